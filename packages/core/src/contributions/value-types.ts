/** The types a column value can have; each has one formatter (format/formatters.ts). */
export type ColumnType = 'int' | 'float' | 'string' | 'longtext' | 'date' | 'datetime' | 'enum' | 'duration';

/**
 * How a parameter's (or step option's) raw text is parsed and checked. One parser per kind
 * (parameters/parse-value.ts) serves every parameter, so no parameter parses by hand.
 */
export type ParameterValueType =
  | { kind: 'string'; nonEmpty?: boolean }
  | { kind: 'int'; min?: number; max?: number }
  | { kind: 'yesno' }
  | { kind: 'guid' }
  | { kind: 'timeZone' }
  /** One of `values`; `synonyms` map other accepted spellings to a value. */
  | { kind: 'enum'; values: readonly string[]; synonyms?: Readonly<Record<string, string>> }
  /** Comma-separated (or child elements/YAML list) of `item`. */
  | { kind: 'list'; item: ParameterValueType }
  /** Child elements / YAML map with the given keys, each a string. */
  | { kind: 'map'; keys: readonly string[] }
  /** Repeated `<template id="N">text</template>` entries, as a Map from id to text. */
  | { kind: 'templates' };
