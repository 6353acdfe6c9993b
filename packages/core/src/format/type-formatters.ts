import type { ColumnType } from '../contributions/value-types.js';
import type { FormatContext } from './format-context.js';
import { trimDecimals } from './duration.js';

/** Canonical database text (never null here) → the cell text, by column type. */
export type TypeFormatter = (raw: string, context: FormatContext) => string;

const identity: TypeFormatter = (raw) => raw;

export const typeFormatters: Record<ColumnType, TypeFormatter> = {
  int: identity,
  string: identity,
  longtext: identity,
  enum: identity,
  float: (raw) => trimDecimals(raw),
  date: (raw, context) => context.date(raw),
  datetime: (raw, context) => context.dateTime(raw),
  duration: (raw, context) => context.duration(Number(raw)),
};
