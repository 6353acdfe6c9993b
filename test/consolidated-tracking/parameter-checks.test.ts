import { expect } from 'chai';
import { parseValue } from '@exportkit/core';
import { ctProvider, resolveParameters } from './support/run-export.js';

/* Parsing of parameter values by their declared types, and cross-parameter checks. */
describe('consolidatedTracking parameter values and checks', () => {
  const parse = (name: string, text: string) =>
    parseValue(ctProvider().parameters.get(name)!.metadata.valueType, { kind: 'scalar', text });

  it('accepts activity types by name or code', () => {
    expect(parse('activityType', '0,assessment,2,3,4,5,6')).to.deep.equal({
      ok: true,
      value: ['learning_resource', 'assessment', 'survey', 'assignment', 'classroom', 'virtual_classroom', 'nps'],
    });
    expect(parse('activityType', '7').ok).to.equal(false);
  });

  it('accepts training statuses as letters or names', () => {
    expect(parse('trainingStatus', 'C,published,archived')).to.deep.equal({ ok: true, value: ['C', 'P', 'A'] });
    expect(parse('trainingStatus', 'X').ok).to.equal(false);
  });

  it('accepts report statuses as child elements or a list', () => {
    const type = ctProvider().parameters.get('reportStatus')!.metadata.valueType;
    expect(
      parseValue(type, {
        kind: 'map',
        children: {
          completed: { kind: 'scalar', text: '', line: 1 },
          pendingFeedback: { kind: 'scalar', text: '', line: 2 },
        },
      }),
    ).to.deep.equal({ ok: true, value: ['completed', 'pendingFeedback'] });
    expect(parse('sessionReportStatus', 'notAttempted, incomplete')).to.deep.equal({
      ok: true,
      value: ['notAttempted', 'incomplete'],
    });
  });

  it('accepts the five scales, the three modes, the five duration formats and modalities', () => {
    for (const scale of [
      'less_than_n_days',
      'less_than_n_months',
      'less_than_n_full_months',
      'less_than_n_years',
      'less_than_n_full_years',
    ]) {
      expect(parse('timeFramesScale', scale).ok, scale).to.equal(true);
    }
    expect(parse('timeFramesScale', 'less_than_n_weeks').ok).to.equal(false);
    expect(parse('timeFramesScaleMode', 'lastActivity,lastActivityCumulative,timeSpent').ok).to.equal(true);
    for (const format of ['iso-8601', 'rawSeconds', 'rawMinutes', 'padded', 'paddedhh'])
      expect(parse('timeGlobalFormat', format).ok, format).to.equal(true);
    expect(parse('modality', 'blended').ok).to.equal(true);
    expect(parse('modality', 'online').ok).to.equal(false);
    expect(parse('timeFrames', '-1').ok).to.equal(false);
    expect(parse('timeZone', 'Mars/Olympus').ok).to.equal(false);
  });

  it('timeFrames and timeFramesScale go together', () => {
    expect(resolveParameters({ timeFrames: '3' }).messages).to.deep.equal([
      'sessionTimeFrames (timeFrames) needs sessionTimeFramesScale (timeFramesScale)',
    ]);
    expect(resolveParameters({ timeFramesScale: 'less_than_n_days' }).messages).to.deep.equal([
      'sessionTimeFramesScale (timeFramesScale) needs sessionTimeFrames (timeFrames)',
    ]);
    expect(resolveParameters({ timeFrames: '3', timeFramesScale: 'less_than_n_days' }).messages).to.deep.equal([]);
  });

  it('deltaMode cannot be combined with timeFramesScale', () => {
    expect(
      resolveParameters({ deltaMode: 'yes', timeFrames: '3', timeFramesScale: 'less_than_n_days' }).messages,
    ).to.deep.equal(['deltaMode cannot be combined with sessionTimeFramesScale (timeFramesScale)']);
    expect(
      resolveParameters({ deltaMode: 'no', timeFrames: '3', timeFramesScale: 'less_than_n_days' }).messages,
    ).to.deep.equal([]);
  });

  it('deltaMode needs the export guid (a validation error, before any query)', () => {
    expect(resolveParameters({ deltaMode: 'yes' }, '').messages).to.deep.equal([
      'deltaMode needs the export\'s guid attribute (<export guid="...">) to find its previous runs',
    ]);
    expect(resolveParameters({ deltaMode: 'yes' }, 'weekly').messages).to.deep.equal([]);
  });

  it('warns about withoutLaunchTime = yes with time frames, and a scale mode without time frames', () => {
    expect(
      resolveParameters({ withoutLaunchTime: 'yes', timeFrames: '1', timeFramesScale: 'less_than_n_years' }).messages,
    ).to.deep.equal([
      'warning: withoutLaunchTime = yes has no effect with time frames: the window already excludes registrations without activity',
    ]);
    expect(resolveParameters({ timeFrameScaleMode: 'timeSpent' }).messages).to.deep.equal([
      'warning: sessionTimeFrameScaleMode has no effect without sessionTimeFrames and sessionTimeFramesScale',
    ]);
  });
});
