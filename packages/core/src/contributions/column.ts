import type { ColumnType, ParameterValueType } from './value-types.js';
import type { QueryScope } from './query-scope.js';
import type { SqlFragment } from '../query/sql-fragment.js';
import type { ColumnSpec } from '../template/model.js';
import type { FormatContext } from '../format/format-context.js';

export interface ColumnMetadata {
  provider: string;
  name: string;
  aliases?: readonly string[];
  type: ColumnType;
  description: string;
  /** Relations the `sql` expression reads from (by name, which is also their alias). */
  relations?: readonly string[];
  /** Select expression over relation aliases, for columns that need nothing else. */
  sql?: string;
  /** Whether the element carries text: a custom field GUID, a constant... */
  value?: 'none' | 'optional' | 'required';
  /**
   * The type of that text, checked by validation without a database (e.g. `{ kind: 'guid' }`);
   * default: text of at most BOUNDS.columnValue characters.
   */
  valueType?: ParameterValueType;
  /** Attributes accepted besides `label`. */
  attributes?: readonly string[];
  /** Parameters this column's value depends on (documentation; validation of values is the parameter's). */
  parameters?: readonly string[];
}

/** One use of a column in a template: its spec plus its position among the export's columns. */
export interface ColumnUse {
  spec: ColumnSpec;
  index: number;
  header: string;
}

/**
 * A column: how to select its value and how to turn it into text.
 * `select` returns the raw SQL expression; the composer normalises it by type
 * (datetimes in the time zone, floats rounded, everything as text) so formatters see strings.
 * A column returning `undefined` has no SQL: its value is computed from the row (templates).
 */
export interface Column {
  readonly metadata: ColumnMetadata;
  select(use: ColumnUse, scope: QueryScope): SqlFragment | undefined;
  /**
   * Validates the use (element text, attributes) against everything else known; returns
   * messages. Runs without a database too (`context.query` is then undefined): check
   * everything static first, and query only for what needs the data.
   */
  check?(use: ColumnUse, context: ColumnCheckContext): Promise<string[]> | string[];
  /** Overrides the type's formatter, e.g. an enum mapped by a parameter. */
  format?(raw: string | null, context: FormatContext, row: RowView, use: ColumnUse): string;
  /**
   * The SQL twin of `format` (for the COPY path): over the canonical text expression, the same
   * text `format` would give ('' or NULL for none). `undefined`: no SQL form, rows go through JS.
   * Parameter texts must travel as bindings (`sql` tagged template).
   */
  formatSql?(canonical: SqlFragment, context: SqlFormatContext, use: ColumnUse): SqlFragment | undefined;
}

/** What a column's `formatSql` may read. */
export interface SqlFormatContext {
  param<T = unknown>(name: string): T;
}

export interface ColumnCheckContext {
  param<T = unknown>(name: string): T;
  /** How many columns the export has (indexes 0 to columnCount − 1). */
  columnCount: number;
  /**
   * Runs a query with bindings, for checks such as "does this GUID exist"; undefined when
   * validating without a database (`exportkit validate` without `--db`).
   */
  query?<T = Record<string, unknown>>(fragment: SqlFragment): Promise<T[]>;
}

/** Formatted values of the other columns of the same row (for templates). */
export interface RowView {
  formatted(index: number): string;
}
