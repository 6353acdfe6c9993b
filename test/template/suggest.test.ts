import { expect } from 'chai';
import { closest } from '@exportkit/core';

describe('validation: closest', () => {
  const names = ['columns', 'parameters', 'candidateId', 'candidateName', 'export', 'exports'];

  it('finds plausible misspellings', () => {
    expect(closest('colums', names)).to.equal('columns');
    expect(closest('paramters', names)).to.equal('parameters');
    expect(closest('candidateNmae', names)).to.equal('candidateName');
    expect(closest('exprt', ['export'])).to.equal('export');
  });

  it('counts a case-only difference as distance 0', () => {
    expect(closest('CANDIDATEID', names)).to.equal('candidateId');
    expect(closest('candidateid', ['candidateIds', 'candidateId'])).to.equal('candidateId');
  });

  it('returns undefined when nothing is close', () => {
    expect(closest('whatever', names)).to.equal(undefined);
    expect(closest('xy', ['id'])).to.equal(undefined);
    expect(closest('a', [])).to.equal(undefined);
  });

  it('allows more edits for longer names (length / 3)', () => {
    expect(closest('sessionTimeFrameScalMod', ['sessionTimeFrameScaleMode'])).to.equal('sessionTimeFrameScaleMode');
    expect(closest('abcdef', ['abcxyz'])).to.equal(undefined);
  });
});
