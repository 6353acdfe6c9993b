/** The types a column value can have; each has one formatter (format/formatters.ts). */
export type ColumnType = 'int' | 'float' | 'string' | 'longtext' | 'date' | 'datetime' | 'enum' | 'duration';

/**
 * How a parameter's (or step option's, or column text's) raw text is parsed and checked. One
 * parser per kind (parameters/parse-value.ts) serves every value, so no value parses by hand.
 * Every kind is bounded: where a type declares no bound, the defaults of `BOUNDS`
 * (contributions/bounds.ts) apply, and the generated docs show the bound in force.
 */
export type ParameterValueType =
  /** Text of at most `maxLength` characters (default BOUNDS.text). */
  | { kind: 'string'; nonEmpty?: boolean; maxLength?: number }
  /** A whole number in [min, max] (default: PostgreSQL's int4 range). */
  | { kind: 'int'; min?: number; max?: number }
  | { kind: 'yesno' }
  | { kind: 'guid' }
  /** An IANA region name (Area/Location) or UTC (parameters/time-zones.ts). */
  | { kind: 'timeZone' }
  /** A real calendar day written YYYY-MM-DD. */
  | { kind: 'date' }
  /** One of `values`; `synonyms` map other accepted spellings to a value. */
  | { kind: 'enum'; values: readonly string[]; synonyms?: Readonly<Record<string, string>> }
  /** Comma-separated (or child elements/YAML list) of at most `maxItems` `item`s (default BOUNDS.items). */
  | { kind: 'list'; item: ParameterValueType; maxItems?: number }
  /** Child elements / YAML map with the given keys, each a text of at most `maxLength` characters (default BOUNDS.text). */
  | { kind: 'map'; keys: readonly string[]; maxLength?: number }
  /** Repeated `<template id="N">text</template>` entries, as a Map from id to text (BOUNDS.items, BOUNDS.templateText). */
  | { kind: 'templates' };
