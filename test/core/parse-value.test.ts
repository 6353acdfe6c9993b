import { expect } from 'chai';
import { parseValue } from '@exportkit/core';

const scalar = (text: string) => ({ kind: 'scalar' as const, text });

describe('parameter values', () => {
  it('yes/no', () => {
    expect(parseValue({ kind: 'yesno' }, scalar('yes'))).to.deep.equal({ ok: true, value: true });
    expect(parseValue({ kind: 'yesno' }, scalar('No'))).to.deep.equal({ ok: true, value: false });
    expect(parseValue({ kind: 'yesno' }, scalar('maybe'))).to.deep.equal({ ok: false, message: '"maybe" is not allowed; allowed: yes, no' });
  });
  it('integers with bounds', () => {
    expect(parseValue({ kind: 'int', min: 0 }, scalar('3'))).to.deep.equal({ ok: true, value: 3 });
    expect(parseValue({ kind: 'int', min: 0 }, scalar('-1'))).to.deep.include({ ok: false });
    expect(parseValue({ kind: 'int' }, scalar('3x'))).to.deep.equal({ ok: false, message: '"3x" is not an integer' });
  });
  it('enums with synonyms, naming the allowed values', () => {
    const type = { kind: 'enum' as const, values: ['C', 'P', 'A'], synonyms: { published: 'P' } };
    expect(parseValue(type, scalar('published'))).to.deep.equal({ ok: true, value: 'P' });
    const bad = parseValue(type, scalar('X'));
    expect(bad).to.deep.equal({ ok: false, message: '"X" is not allowed; allowed: C, P, A, published' });
  });
  it('lists from comma text, YAML lists and child elements', () => {
    const type = { kind: 'list' as const, item: { kind: 'enum' as const, values: ['lastActivity', 'timeSpent'] } };
    expect(parseValue(type, scalar('lastActivity, timeSpent'))).to.deep.equal({ ok: true, value: ['lastActivity', 'timeSpent'] });
    expect(parseValue(type, { kind: 'list', items: ['timeSpent'] })).to.deep.equal({ ok: true, value: ['timeSpent'] });
    expect(parseValue(type, scalar('lastActivity,nope'))).to.deep.include({ ok: false });
  });
  it('maps of child elements, refusing unknown children', () => {
    const type = { kind: 'map' as const, keys: ['completed', 'incomplete'] };
    const value = { kind: 'map' as const, children: { completed: { kind: 'scalar' as const, text: 'Done', line: 3 } } };
    expect(parseValue(type, value)).to.deep.equal({ ok: true, value: { completed: 'Done' } });
    const bad = { kind: 'map' as const, children: { finished: { kind: 'scalar' as const, text: 'x', line: 3 } } };
    expect(parseValue(type, bad)).to.deep.equal({ ok: false, message: 'unknown child <finished>; allowed: completed, incomplete' });
  });
  it('templates, GUIDs and time zones', () => {
    const entries = { kind: 'entries' as const, entries: [{ name: 'template', attributes: { id: '1' }, text: '{0}-{1}', line: 2 }] };
    const parsed = parseValue({ kind: 'templates' }, entries);
    expect(parsed.ok && (parsed.value as Map<string, string>).get('1')).to.equal('{0}-{1}');
    expect(parseValue({ kind: 'guid' }, scalar('8345C0A3-B8AB-7F65-0638-39B0E1244AA8')).ok).to.equal(true);
    expect(parseValue({ kind: 'guid' }, scalar('8345C0A3')).ok).to.equal(false);
    expect(parseValue({ kind: 'timeZone' }, scalar('Europe/Paris')).ok).to.equal(true);
    expect(parseValue({ kind: 'timeZone' }, scalar('Mars/Olympus'))).to.deep.include({ ok: false });
  });
});
