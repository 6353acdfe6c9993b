import type { ParameterValueType } from '../contributions/value-types.js';
import type { RawValue } from '../template/model.js';
import { ownEntry } from '../template/name-table.js';

/** A parsed value, or the reason it was refused (naming what is allowed). */
export type ParseResult = { ok: true; value: unknown } | { ok: false; message: string };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const YES = new Set(['yes', 'true', '1', 'y']);
const NO = new Set(['no', 'false', '0', 'n']);

/**
 * Parses a template value by its declared type. Every parameter and step option goes through
 * here, so spellings (yes/no, lists, child elements) are accepted the same way everywhere.
 * Parsed forms: string, int → number, yesno → boolean, guid/timeZone/enum → string,
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
      for (const [key, child] of Object.entries(raw.children)) {
        if (!type.keys.includes(key)) return { ok: false, message: `unknown child <${key}>; allowed: ${type.keys.join(', ')}` };
        if (child.kind !== 'scalar') return { ok: false, message: `<${key}> expects text` };
        value[key] = child.text;
      }
      return { ok: true, value };
    }
    case 'templates': {
      const value = new Map<string, string>();
      if (raw.kind === 'entries') {
        for (const entry of raw.entries) {
          if (entry.name !== 'template') return { ok: false, message: `unknown child <${entry.name}>; allowed: template` };
          const id = entry.attributes['id'];
          if (id === undefined || id === '') return { ok: false, message: '<template> needs an id attribute' };
          if (value.has(id)) return { ok: false, message: `template id ${id} is given twice` };
          value.set(id, entry.text);
        }
      } else if (raw.kind === 'map') {
        for (const [id, child] of Object.entries(raw.children)) {
          if (child.kind !== 'scalar') return { ok: false, message: `template ${id} expects text` };
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
    case 'string':
      if (type.nonEmpty && value === '') return { ok: false, message: 'must not be empty' };
      return { ok: true, value: text };
    case 'int': {
      if (!/^-?\d+$/.test(value)) return { ok: false, message: `"${value}" is not an integer` };
      const n = Number(value);
      if (type.min !== undefined && n < type.min) return { ok: false, message: `must be ≥ ${type.min}, got ${n}` };
      if (type.max !== undefined && n > type.max) return { ok: false, message: `must be ≤ ${type.max}, got ${n}` };
      return { ok: true, value: n };
    }
    case 'yesno': {
      const lower = value.toLowerCase();
      if (YES.has(lower)) return { ok: true, value: true };
      if (NO.has(lower)) return { ok: true, value: false };
      return { ok: false, message: `"${value}" is not allowed; allowed: yes, no` };
    }
    case 'guid':
      if (!GUID.test(value)) return { ok: false, message: `"${value}" is not a GUID (8-4-4-4-12 hexadecimal digits)` };
      return { ok: true, value };
    case 'timeZone':
      if (!isTimeZone(value)) return { ok: false, message: `"${value}" is not an IANA time zone (e.g. UTC, Europe/Paris)` };
      return { ok: true, value };
    case 'enum': {
      if (type.values.includes(value)) return { ok: true, value };
      const synonym = ownEntry(type.synonyms, value);
      if (synonym !== undefined) return { ok: true, value: synonym };
      const allowed = [...type.values, ...Object.keys(type.synonyms ?? {})];
      return { ok: false, message: `"${value}" is not allowed; allowed: ${allowed.join(', ')}` };
    }
    default:
      return { ok: false, message: `expects ${describeType(type)}` };
  }
}

export function splitList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone !== '';
  } catch {
    return false;
  }
}

/** Human description of a value type, for docs and messages. */
export function describeType(type: ParameterValueType): string {
  switch (type.kind) {
    case 'string':
      return 'text';
    case 'int':
      return type.min !== undefined ? `integer ≥ ${type.min}` : 'integer';
    case 'yesno':
      return 'yes/no';
    case 'guid':
      return 'GUID';
    case 'timeZone':
      return 'IANA time zone';
    case 'enum':
      return `one of ${type.values.join(', ')}`;
    case 'list':
      return `list of ${describeType(type.item)}`;
    case 'map':
      return `child elements ${type.keys.join(', ')}`;
    case 'templates':
      return '<template id="N">text with {i}</template> children';
  }
}
