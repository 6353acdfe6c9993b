import { BOUNDS, ExportkitError, type OptionMetadata } from '@exportkit/core';

/*
 * The options of `fileExportAction` (docs/formats.md). The template is parsed with
 * FILE_ACTION_OPTIONS (template words: `semicolon`, `yes`, `point`...) and
 * resolveFileActionOptions turns those words into the values writers work with (`;`, true,
 * '.') once, at validation; what it returns is marked, so a writer calling it on what it
 * receives gets the same values back without parsing them again. The formats are not listed
 * here: each writer declares its own (the registry's writers), a plugin's as a built-in's.
 */

/** A writer's format name (its canonical one, once resolved through the registry). */
export type FileFormat = string;
export type FileEncoding = 'UTF-8' | 'ISO-8859-1' | 'WINDOWS-1252' | 'UTF-16LE';
export type Delimiter = ',' | '|' | ';' | '\t';
export type DecimalSeparator = '.' | ',';
export type UnmappablePolicy = 'error' | 'replace';

/** The resolved options every writer receives. */
export interface FileActionOptions {
  /** Character encoding of text formats; XLSX is always UTF-8 inside its zip. */
  encoding: FileEncoding;
  /** Byte order mark at the start of the file (UTF-8 and UTF-16LE only; ignored otherwise). */
  bom: boolean;
  /** Field separator of CSV; TSV always uses a tab. */
  delimiter: Delimiter;
  /** Header row in CSV, TSV and XLSX. */
  showHeaders: boolean;
  /** Decimal separator of float-typed cells in text formats. */
  decimal: DecimalSeparator;
  /** CSV/TSV: prefix `'` to non-numeric cells starting with =, +, -, @, tab or CR. */
  formulaEscape: boolean;
  /** What to do with a character the (8-bit) encoding cannot hold: fail, or write `?`. */
  unmappable: UnmappablePolicy;
}

/** FileActionOptions plus the action's format and file name pattern. */
export interface ResolvedFileActionOptions extends FileActionOptions {
  format: FileFormat;
  /** File name pattern as written; undefined means `<export name>.<extension>`. */
  fileName?: string;
}

export const DEFAULT_FILE_ACTION_OPTIONS: Readonly<FileActionOptions> = Object.freeze({
  encoding: 'UTF-8',
  bom: false,
  delimiter: ';',
  showHeaders: true,
  decimal: '.',
  formulaEscape: false,
  unmappable: 'error',
});

export const FILE_ENCODINGS: readonly FileEncoding[] = ['UTF-8', 'ISO-8859-1', 'WINDOWS-1252', 'UTF-16LE'];

const DELIMITER_WORDS: Readonly<Record<string, Delimiter>> = {
  comma: ',',
  pipe: '|',
  semicolon: ';',
  tabulation: '\t',
};
const DECIMAL_WORDS: Readonly<Record<string, DecimalSeparator>> = { point: '.', comma: ',' };

/** Other spellings of the enum options, lower-cased (the template parser is case-sensitive). */
const ENCODING_SYNONYMS: Readonly<Record<string, FileEncoding>> = {
  'utf-8': 'UTF-8',
  utf8: 'UTF-8',
  'iso-8859-1': 'ISO-8859-1',
  'iso8859-1': 'ISO-8859-1',
  latin1: 'ISO-8859-1',
  'latin-1': 'ISO-8859-1',
  'windows-1252': 'WINDOWS-1252',
  windows1252: 'WINDOWS-1252',
  cp1252: 'WINDOWS-1252',
  'utf-16le': 'UTF-16LE',
  utf16le: 'UTF-16LE',
};
const DELIMITER_SYNONYMS: Readonly<Record<string, string>> = {
  ',': 'comma',
  '|': 'pipe',
  ';': 'semicolon',
  tab: 'tabulation',
  '\t': 'tabulation',
};
const DECIMAL_SYNONYMS: Readonly<Record<string, string>> = { '.': 'point', ',': 'comma', dot: 'point' };

/** The lower, upper and capitalised spellings of a word. */
function caseVariants(word: string): string[] {
  const lower = word.toLowerCase();
  return [word, lower, word.toUpperCase(), lower.charAt(0).toUpperCase() + lower.slice(1)];
}

/**
 * Synonym maps for the template parser, which compares enum values exactly: other spellings
 * and the lower, upper and capitalised variants of every value and spelling.
 */
export function synonyms(map: Readonly<Record<string, string>>, values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [word, value] of Object.entries(map)) for (const variant of caseVariants(word)) out[variant] = value;
  for (const value of values) for (const variant of caseVariants(value)) out[variant] = value;
  for (const value of values) delete out[value];
  return out;
}

/** Template options of `fileExportAction`, for the template parser, validation and docs. */
export const FILE_ACTION_OPTIONS: Readonly<Record<string, OptionMetadata>> = Object.freeze({
  format: {
    // The allowed values are the registered writers' formats and aliases (FileExportAction.acceptedOptions).
    type: { kind: 'string', nonEmpty: true },
    description:
      "File format: a writer's format or alias, any case (built in: CSV, TSV, XML, XLSX or XLS, JSON, NDJSON; plugins add theirs).",
    default: 'CSV',
  },
  encoding: {
    type: { kind: 'enum', values: FILE_ENCODINGS, synonyms: synonyms(ENCODING_SYNONYMS, FILE_ENCODINGS) },
    description: 'Character encoding of text formats (CSV, TSV, XML, JSON, NDJSON). XLSX is always UTF-8.',
    default: 'UTF-8',
  },
  bom: {
    type: { kind: 'yesno' },
    description: 'Write a byte order mark first (UTF-8 and UTF-16LE only; ignored for 8-bit encodings and XLSX).',
    default: false,
  },
  delimiter: {
    type: {
      kind: 'enum',
      values: Object.keys(DELIMITER_WORDS),
      synonyms: synonyms(DELIMITER_SYNONYMS, Object.keys(DELIMITER_WORDS)),
    },
    description: 'CSV field separator: comma, pipe, semicolon or tabulation. TSV always uses a tab.',
    default: 'semicolon',
  },
  showHeaders: {
    type: { kind: 'yesno' },
    description: 'Write the column headers as the first row (CSV, TSV, XLSX).',
    default: true,
  },
  decimal: {
    type: {
      kind: 'enum',
      values: Object.keys(DECIMAL_WORDS),
      synonyms: synonyms(DECIMAL_SYNONYMS, Object.keys(DECIMAL_WORDS)),
    },
    description: 'Decimal separator of float columns in text formats (CSV, TSV, XML): comma or point.',
    default: 'point',
  },
  fileName: {
    type: { kind: 'string', nonEmpty: true, maxLength: BOUNDS.fileNamePattern },
    description: 'File name pattern (%y %m %d %H %M %S %g %n %i); default `<export name>.<extension>`.',
  },
  formulaEscape: {
    type: { kind: 'yesno' },
    description:
      "CSV/TSV: prefix a ' to cells of non-numeric columns that start with =, +, -, @, tab or CR, so spreadsheets do not run them as formulas.",
    default: false,
  },
  unmappable: {
    type: { kind: 'enum', values: ['error', 'replace'], synonyms: synonyms({}, ['error', 'replace']) },
    description: 'A character the encoding cannot hold: error (stop, naming row and column) or replace (write ?).',
    default: 'error',
  },
} satisfies Record<string, OptionMetadata>);

/** A file action option that cannot be understood. */
export class InvalidFileOptionError extends ExportkitError {
  constructor(
    readonly option: string,
    readonly value: unknown,
    allowed: string,
  ) {
    super(`fileExportAction option ${option}: ${JSON.stringify(value)} is not allowed; allowed: ${allowed}`);
  }
}

/** Options this module resolved, so they are not parsed twice. */
const resolvedOptions = new WeakSet<object>();

/**
 * Resolved options with more keys (the export's date patterns for XLSX), still known as
 * resolved: the writer receiving them does not parse them again.
 */
export function withResolved<T extends object>(
  extra: T,
  resolved: ResolvedFileActionOptions,
): T & ResolvedFileActionOptions {
  const combined = { ...extra, ...resolved };
  resolvedOptions.add(combined);
  return combined;
}

/**
 * Maps parsed template options (template words, booleans) to the values writers use, with
 * the defaults for what is missing. Resolved options (this function's result, or
 * withResolved's) are returned as they are, so the function is idempotent and parses once.
 * Options it does not know are ignored. The format is kept as given: the registry resolves it.
 */
export function resolveFileActionOptions(
  options: Readonly<Record<string, unknown>> | Readonly<Partial<ResolvedFileActionOptions>>,
): ResolvedFileActionOptions {
  if (resolvedOptions.has(options)) return options as ResolvedFileActionOptions;
  const parsed = options as Readonly<Record<string, unknown>>;
  const d = DEFAULT_FILE_ACTION_OPTIONS;
  const resolved: ResolvedFileActionOptions = {
    format: pick(
      parsed,
      'format',
      'CSV',
      (v) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined),
      "a writer's format",
    ),
    encoding: pick(
      parsed,
      'encoding',
      d.encoding,
      (v) => oneOf(FILE_ENCODINGS, ENCODING_SYNONYMS, v),
      FILE_ENCODINGS.join(', '),
    ),
    bom: pick(parsed, 'bom', d.bom, yesNo, 'yes, no'),
    delimiter: pick(parsed, 'delimiter', d.delimiter, (v) => delimiterOf(v), 'comma, pipe, semicolon, tabulation'),
    showHeaders: pick(parsed, 'showHeaders', d.showHeaders, yesNo, 'yes, no'),
    decimal: pick(parsed, 'decimal', d.decimal, (v) => decimalOf(v), 'comma, point'),
    formulaEscape: pick(parsed, 'formulaEscape', d.formulaEscape, yesNo, 'yes, no'),
    unmappable: pick(
      parsed,
      'unmappable',
      d.unmappable,
      (v) => (lower(v) === 'error' || lower(v) === 'replace' ? (lower(v) as UnmappablePolicy) : undefined),
      'error, replace',
    ),
  };
  const fileName = parsed['fileName'];
  if (fileName !== undefined && fileName !== null) {
    if (typeof fileName !== 'string' || fileName === '')
      throw new InvalidFileOptionError('fileName', fileName, 'a non-empty file name pattern');
    resolved.fileName = fileName;
  }
  resolvedOptions.add(resolved);
  return resolved;
}

function pick<T>(
  parsed: Readonly<Record<string, unknown>>,
  name: string,
  fallback: T,
  read: (value: unknown) => T | undefined,
  allowed: string,
): T {
  const value = parsed[name];
  if (value === undefined || value === null) return fallback;
  const result = read(value);
  if (result === undefined) throw new InvalidFileOptionError(name, value, allowed);
  return result;
}

function oneOf<T extends string>(
  values: readonly T[],
  synonymsOf: Readonly<Record<string, T>>,
  value: unknown,
): T | undefined {
  const word = upper(value);
  return (values as readonly string[]).includes(word) ? (word as T) : synonymsOf[lower(value)];
}

function upper(value: unknown): string {
  return typeof value === 'string' ? value.trim().toUpperCase() : '';
}

function lower(value: unknown): string {
  return typeof value === 'string' ? value.trim().toLowerCase() : '';
}

function yesNo(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const word = lower(value);
  if (['yes', 'true', '1', 'y'].includes(word)) return true;
  if (['no', 'false', '0', 'n'].includes(word)) return false;
  return undefined;
}

function delimiterOf(value: unknown): Delimiter | undefined {
  if (value === ',' || value === '|' || value === ';' || value === '\t') return value;
  const word = lower(value);
  return DELIMITER_WORDS[DELIMITER_SYNONYMS[word] ?? word];
}

function decimalOf(value: unknown): DecimalSeparator | undefined {
  const word = lower(value);
  return DECIMAL_WORDS[DECIMAL_SYNONYMS[word] ?? word];
}
