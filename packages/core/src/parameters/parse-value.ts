import type { ParameterValueType } from '../contributions/value-types.js';
import type { RawValue } from '../template/model.js';
import { ownEntry } from '../template/name-table.js';
import { closest } from '../validation/suggest.js';
import { BOUNDS } from '../contributions/bounds.js';
import { parseIsoDay } from './iso-instant.js';
import { quoted } from './quote-value.js';
import { ALLOWED_TIME_ZONES_TEXT, isAcceptedTimeZone, suggestTimeZone } from './time-zones.js';

/** A parsed value, or the reason it was refused (naming what is allowed) and the closest allowed value. */
export type ParseResult = { ok: true; value: unknown } | { ok: false; message: string; suggestion?: string };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const YES = new Set(['yes', 'true', '1', 'y']);
const NO = new Set(['no', 'false', '0', 'n']);

/**
 * Parses a template value by its declared type. Every parameter and step option goes through
 * here, so spellings (yes/no, lists, child elements) are accepted the same way everywhere.
 * Parsed forms: string, int → number, yesno → boolean, guid/timeZone/date/enum → string,
 * list → array, map → Record<string, string>, templates → Map<id, text>.
 */
export function parseValue(type: ParameterValueType, raw: RawValue): ParseResult {
  switch (type.kind) {
    case 'list': {
      const items =
        raw.kind === 'list'
          ? raw.items
          : raw.kind === 'scalar'
            ? splitList(raw.text)
            : raw.kind === 'map'
              ? Object.keys(raw.children)
              : raw.entries.map((e) => e.text || e.name);
      const maxItems = type.maxItems ?? BOUNDS.items;
      if (items.length > maxItems)
        return { ok: false, message: `holds ${items.length} items; allowed: at most ${grouped(maxItems)}` };
      const values: unknown[] = [];
      for (const item of items) {
        const parsed = parseScalar(type.item, item);
        if (!parsed.ok) return parsed;
        values.push(parsed.value);
      }
      return { ok: true, value: values };
    }
    case 'map': {
      if (raw.kind !== 'map') return { ok: false, message: `expects child elements among: ${type.keys.join(', ')}` };
      const value: Record<string, string> = {};
      const maxLength = type.maxLength ?? BOUNDS.text;
      for (const [key, child] of Object.entries(raw.children)) {
        if (!type.keys.includes(key))
          return { ok: false, message: `unknown child <${quotedName(key)}>; allowed: ${type.keys.join(', ')}` };
        if (child.kind !== 'scalar') return { ok: false, message: `<${key}> expects text` };
        if (longerThan(child.text, maxLength))
          return { ok: false, message: `<${key}> is longer than ${grouped(maxLength)} characters, the most allowed` };
        value[key] = child.text;
      }
      return { ok: true, value };
    }
    case 'templates': {
      const value = new Map<string, string>();
      const size =
        raw.kind === 'entries' ? raw.entries.length : raw.kind === 'map' ? Object.keys(raw.children).length : 0;
      if (size > BOUNDS.items)
        return { ok: false, message: `holds ${size} templates; allowed: at most ${grouped(BOUNDS.items)}` };
      if (raw.kind === 'entries') {
        for (const entry of raw.entries) {
          if (entry.name !== 'template')
            return { ok: false, message: `unknown child <${entry.name}>; allowed: template` };
          const id = entry.attributes['id'];
          if (id === undefined || id === '') return { ok: false, message: '<template> needs an id attribute' };
          if (longerThan(id, BOUNDS.text))
            return {
              ok: false,
              message: `a template id is longer than ${grouped(BOUNDS.text)} characters, the most allowed`,
            };
          if (value.has(id)) return { ok: false, message: `template id ${quoted(id)} is given twice` };
          if (longerThan(entry.text, BOUNDS.templateText)) return templateTooLong(id);
          value.set(id, entry.text);
        }
      } else if (raw.kind === 'map') {
        for (const [id, child] of Object.entries(raw.children)) {
          if (longerThan(id, BOUNDS.text))
            return {
              ok: false,
              message: `a template id is longer than ${grouped(BOUNDS.text)} characters, the most allowed`,
            };
          if (child.kind !== 'scalar') return { ok: false, message: `template ${quoted(id)} expects text` };
          if (longerThan(child.text, BOUNDS.templateText)) return templateTooLong(id);
          value.set(id, child.text);
        }
      } else {
        return { ok: false, message: 'expects <template id="N">text</template> children' };
      }
      return { ok: true, value };
    }
    default:
      if (raw.kind !== 'scalar') return { ok: false, message: `expects a single value (${describeType(type)})` };
      return parseScalar(type, raw.text);
  }
}

function parseScalar(type: ParameterValueType, text: string): ParseResult {
  const value = text.trim();
  switch (type.kind) {
    case 'string': {
      const maxLength = type.maxLength ?? BOUNDS.text;
      if (longerThan(text, maxLength))
        return { ok: false, message: `is longer than ${grouped(maxLength)} characters, the most allowed` };
      if (type.nonEmpty && value === '') return { ok: false, message: 'must not be empty' };
      return { ok: true, value: text };
    }
    case 'int': {
      const [min, max] = intRange(type);
      const allowed = `allowed: a whole number from ${grouped(min)} to ${grouped(max)}`;
      if (!/^-?\d+$/.test(value)) return { ok: false, message: `${quoted(value)} is not a whole number; ${allowed}` };
      // More digits than any bound has: out of range without converting megabytes of digits.
      const n = value.replace(/^-?0*/, '').length > 17 ? (value.startsWith('-') ? -Infinity : Infinity) : Number(value);
      if (n < min || n > max) return { ok: false, message: `${quoted(value)} is out of range; ${allowed}` };
      return { ok: true, value: n };
    }
    case 'yesno': {
      const lower = value.toLowerCase();
      if (YES.has(lower)) return { ok: true, value: true };
      if (NO.has(lower)) return { ok: true, value: false };
      return { ok: false, message: `${quoted(value)} is not allowed; allowed: yes, no` };
    }
    case 'guid':
      if (!GUID.test(value))
        return { ok: false, message: `${quoted(value)} is not a GUID; allowed: 8-4-4-4-12 hexadecimal digits` };
      return { ok: true, value };
    case 'timeZone':
      if (!isAcceptedTimeZone(value)) {
        return {
          ok: false,
          message: `${quoted(value)} is not an accepted time zone; allowed: ${ALLOWED_TIME_ZONES_TEXT}`,
          suggestion: suggestTimeZone(value),
        };
      }
      return { ok: true, value };
    case 'date':
      return parseIsoDay(value);
    case 'enum': {
      if (type.values.includes(value)) return { ok: true, value };
      const synonym = ownEntry(type.synonyms, value);
      if (synonym !== undefined) return { ok: true, value: synonym };
      // The canonical values, then the other words accepted, each once (case variants and
      // control characters are accepted quietly); the closest spelling is suggested as its value.
      const spellings = [...type.values, ...Object.keys(type.synonyms ?? {})];
      const near = closest(value, spellings);
      const suggestion = near === undefined ? undefined : (ownEntry(type.synonyms, near) ?? near);
      const message = `${quoted(value)} is not allowed; allowed: ${allowedSpellings(type.values, type.synonyms).join(', ')}`;
      return suggestion === undefined ? { ok: false, message } : { ok: false, message, suggestion };
    }
    default:
      return { ok: false, message: `expects ${describeType(type)}` };
  }
}

/** The inclusive range of an int type: its own bounds, else PostgreSQL's int4. */
function intRange(type: { min?: number; max?: number }): [number, number] {
  return [type.min ?? BOUNDS.intMin, type.max ?? BOUNDS.intMax];
}

/** Whether `text` has more than `max` characters (code points), without splitting a huge text. */
export function longerThan(text: string, max: number): boolean {
  if (text.length <= max) return false;
  if (text.length > 2 * max) return true;
  let n = 0;
  for (const _ of text) if (++n > max) return true;
  return false;
}

function templateTooLong(id: string): ParseResult {
  return {
    ok: false,
    message: `template ${quoted(id)} is longer than ${grouped(BOUNDS.templateText)} characters, the most allowed`,
  };
}

function quotedName(name: string): string {
  return quoted(name).slice(1, -1);
}

/** A bound as people read it: 2,147,483,647. */
function grouped(n: number): string {
  return n.toLocaleString('en-US');
}

export function splitList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** Human description of a value type, for docs and messages. */
export function describeType(type: ParameterValueType): string {
  switch (type.kind) {
    case 'string':
      return `${type.nonEmpty ? 'non-empty text' : 'text'} of at most ${grouped(type.maxLength ?? BOUNDS.text)} characters`;
    case 'int': {
      const [min, max] = intRange(type);
      return `integer from ${grouped(min)} to ${grouped(max)}`;
    }
    case 'yesno':
      return 'yes/no';
    case 'guid':
      return 'GUID';
    case 'timeZone':
      return 'IANA region name (Area/Location) or UTC';
    case 'date':
      return 'day YYYY-MM-DD';
    case 'enum':
      return `one of ${type.values.join(', ')}`;
    case 'list':
      return `list of at most ${grouped(type.maxItems ?? BOUNDS.items)} × ${describeType(type.item)}`;
    case 'map':
      return `child elements ${type.keys.join(', ')} (texts of at most ${grouped(type.maxLength ?? BOUNDS.text)} characters)`;
    case 'templates':
      return `<template id="N">text with {i}</template> children (at most ${grouped(BOUNDS.items)}, each of at most ${grouped(BOUNDS.templateText)} characters)`;
  }
}

/**
 * The spellings worth listing: every canonical value, then each synonym that is another word
 * (not a case variant of one already listed, not a control character such as a tab), symbols
 * quoted so that `,` reads as a value and not as the list's separator.
 */
function allowedSpellings(values: readonly string[], synonyms: Readonly<Record<string, string>> | undefined): string[] {
  const seen = new Set(values.map((v) => v.toLowerCase()));
  const extra: string[] = [];
  for (const word of Object.keys(synonyms ?? {})) {
    const key = word.toLowerCase();
    if (seen.has(key) || /\p{Cc}/u.test(word)) continue;
    seen.add(key);
    extra.push(/^[\w-]+$/.test(word) ? word : JSON.stringify(word));
  }
  return [...values, ...extra];
}
