import { expect } from 'chai';
import { BOUNDS, parseIsoDay, parseIsoInstant, parseValue } from '@exportkit/core';

const scalar = (text: string) => ({ kind: 'scalar' as const, text });

describe('parameter values', () => {
  it('yes/no', () => {
    expect(parseValue({ kind: 'yesno' }, scalar('yes'))).to.deep.equal({ ok: true, value: true });
    expect(parseValue({ kind: 'yesno' }, scalar('No'))).to.deep.equal({ ok: true, value: false });
    expect(parseValue({ kind: 'yesno' }, scalar('maybe'))).to.deep.equal({
      ok: false,
      message: '"maybe" is not allowed; allowed: yes, no',
    });
  });
  it('integers with bounds', () => {
    expect(parseValue({ kind: 'int', min: 0 }, scalar('3'))).to.deep.equal({ ok: true, value: 3 });
    expect(parseValue({ kind: 'int', min: 0 }, scalar('-1'))).to.deep.include({ ok: false });
    expect(parseValue({ kind: 'int' }, scalar('3x'))).to.deep.equal({
      ok: false,
      message: '"3x" is not a whole number; allowed: a whole number from -2,147,483,648 to 2,147,483,647',
    });
  });
  it('integers without a declared range are int4; both edges are inclusive', () => {
    expect(parseValue({ kind: 'int' }, scalar('2147483647'))).to.deep.equal({ ok: true, value: 2147483647 });
    expect(parseValue({ kind: 'int' }, scalar('-2147483648'))).to.deep.equal({ ok: true, value: -2147483648 });
    expect(parseValue({ kind: 'int' }, scalar('2147483648'))).to.deep.include({ ok: false });
    expect(parseValue({ kind: 'int', min: 1, max: BOUNDS.idMax }, scalar('9007199254740991'))).to.deep.equal({
      ok: true,
      value: 9007199254740991,
    });
    expect(parseValue({ kind: 'int', min: 1, max: BOUNDS.idMax }, scalar('9007199254740992'))).to.deep.include({
      ok: false,
    });
    expect(parseValue({ kind: 'int', min: 1, max: BOUNDS.idMax }, scalar('99999999999999999999'))).to.deep.equal({
      ok: false,
      message: '"99999999999999999999" is out of range; allowed: a whole number from 1 to 9,007,199,254,740,991',
    });
  });
  it('texts, lists and map texts have a default bound; a refused value is quoted cut to 40 characters', () => {
    expect(parseValue({ kind: 'string' }, scalar('é'.repeat(BOUNDS.text))).ok).to.equal(true);
    expect(parseValue({ kind: 'string' }, scalar('é'.repeat(BOUNDS.text + 1)))).to.deep.equal({
      ok: false,
      message: 'is longer than 1,000 characters, the most allowed',
    });
    expect(parseValue({ kind: 'string', maxLength: 3 }, scalar('😀😀😀')).ok, 'counted in code points').to.equal(true);
    expect(
      parseValue(
        { kind: 'list', item: { kind: 'string' } },
        { kind: 'list', items: Array(BOUNDS.items + 1).fill('a') },
      ),
    ).to.deep.equal({
      ok: false,
      message: 'holds 1001 items; allowed: at most 1,000',
    });
    const bad = parseValue({ kind: 'yesno' }, scalar('x'.repeat(5000)));
    expect(bad.ok === false && bad.message).to.equal(`"${'x'.repeat(40)}…" is not allowed; allowed: yes, no`);
  });
  it('days and instants are strict ISO-8601 and real', () => {
    expect(parseIsoDay('2024-02-29')).to.deep.equal({ ok: true, value: '2024-02-29' });
    expect(parseIsoDay('2026-02-29').ok).to.equal(false);
    expect(parseIsoDay('2026-2-3').ok).to.equal(false);
    expect(parseValue({ kind: 'date' }, scalar('2026-02-30')).ok).to.equal(false);
    const instant = (text: string) => {
      const r = parseIsoInstant(text);
      return r.ok ? r.value.toISOString() : r.message;
    };
    expect(instant('2026-02-24')).to.equal('2026-02-24T00:00:00.000Z');
    expect(instant('2026-02-24T10:00:00Z')).to.equal('2026-02-24T10:00:00.000Z');
    expect(instant('2026-02-24T10:00:00.123456+01:30')).to.equal('2026-02-24T08:30:00.123Z');
    for (const text of [
      '2026-11-30junk',
      '2026-02-30T00:00:00Z',
      '2026-02-24T24:00:00Z',
      '2026-02-24T10:00:60Z',
      '2026-02-24T10:00Z',
      '2026-02-24T10:00:00',
      '2026-02-24 10:00:00Z',
      '2026-02-24T10:00:00+24:00',
      '0000-01-01',
      '+002026-01-01T00:00:00Z',
      '',
    ]) {
      expect(instant(text), text).to.match(/allowed: ISO-8601: YYYY-MM-DD/);
    }
  });
  it('time zones: IANA region names and UTC only, with the closest accepted name', () => {
    for (const zone of ['UTC', 'Europe/Paris', 'Asia/Kolkata', 'America/Argentina/Buenos_Aires'])
      expect(parseValue({ kind: 'timeZone' }, scalar(zone)).ok, zone).to.equal(true);
    for (const zone of [
      'IST',
      'BST',
      'AST',
      'NST',
      'ACT',
      'US/Pacific-New',
      'SST',
      'CAT',
      'MIT',
      'AET',
      'Etc/GMT+5',
      'GMT',
      'utc',
    ]) {
      expect(parseValue({ kind: 'timeZone' }, scalar(zone)), zone).to.deep.include({ ok: false });
    }
    expect(parseValue({ kind: 'timeZone' }, scalar('Europe/Pari'))).to.deep.include({ suggestion: 'Europe/Paris' });
    expect(parseValue({ kind: 'timeZone' }, scalar('US/Pacific'))).to.deep.include({
      suggestion: 'America/Los_Angeles',
    });
    expect(parseValue({ kind: 'timeZone' }, scalar('IST'))).to.deep.include({ suggestion: undefined });
  });
  it('enums with synonyms, naming the allowed values', () => {
    const type = { kind: 'enum' as const, values: ['C', 'P', 'A'], synonyms: { published: 'P' } };
    expect(parseValue(type, scalar('published'))).to.deep.equal({ ok: true, value: 'P' });
    const bad = parseValue(type, scalar('X'));
    expect(bad).to.deep.equal({ ok: false, message: '"X" is not allowed; allowed: C, P, A, published' });
  });
  it('lists from comma text, YAML lists and child elements', () => {
    const type = { kind: 'list' as const, item: { kind: 'enum' as const, values: ['lastActivity', 'timeSpent'] } };
    expect(parseValue(type, scalar('lastActivity, timeSpent'))).to.deep.equal({
      ok: true,
      value: ['lastActivity', 'timeSpent'],
    });
    expect(parseValue(type, { kind: 'list', items: ['timeSpent'] })).to.deep.equal({ ok: true, value: ['timeSpent'] });
    expect(parseValue(type, scalar('lastActivity,nope'))).to.deep.include({ ok: false });
  });
  it('maps of child elements, refusing unknown children', () => {
    const type = { kind: 'map' as const, keys: ['completed', 'incomplete'] };
    const value = { kind: 'map' as const, children: { completed: { kind: 'scalar' as const, text: 'Done', line: 3 } } };
    expect(parseValue(type, value)).to.deep.equal({ ok: true, value: { completed: 'Done' } });
    const bad = { kind: 'map' as const, children: { finished: { kind: 'scalar' as const, text: 'x', line: 3 } } };
    expect(parseValue(type, bad)).to.deep.equal({
      ok: false,
      message: 'unknown child <finished>; allowed: completed, incomplete',
    });
  });
  it('templates, GUIDs and time zones', () => {
    const entries = {
      kind: 'entries' as const,
      entries: [{ name: 'template', attributes: { id: '1' }, text: '{0}-{1}', line: 2 }],
    };
    const parsed = parseValue({ kind: 'templates' }, entries);
    expect(parsed.ok && (parsed.value as Map<string, string>).get('1')).to.equal('{0}-{1}');
    expect(parseValue({ kind: 'guid' }, scalar('8345C0A3-B8AB-7F65-0638-39B0E1244AA8')).ok).to.equal(true);
    expect(parseValue({ kind: 'guid' }, scalar('8345C0A3')).ok).to.equal(false);
    expect(parseValue({ kind: 'timeZone' }, scalar('Europe/Paris')).ok).to.equal(true);
    expect(parseValue({ kind: 'timeZone' }, scalar('Mars/Olympus'))).to.deep.include({ ok: false });
  });
});
