import type { Column, ColumnUse, SqlFormatContext } from '../contributions/column.js';
import type { ColumnType } from '../contributions/value-types.js';
import { sql, type SqlFragment } from '../query/sql-fragment.js';
import { canonicalSelect } from '../query/type-normalisation.js';
import type { FormattingSettings } from './create-format-context.js';
import { datePatternToSql } from './date-pattern.js';
import type { DurationFormat } from './duration.js';

/**
 * The SQL forms of the formatters, for the COPY path: each gives, inside PostgreSQL, the very
 * text the JS path writes for a cell (row formatter, then the text writer's decimal separator),
 * NULL where the JS path writes nothing (PostgreSQL's CSV writes NULL as nothing but '' as `""`).
 */
export interface SqlCellSettings {
  settings: FormattingSettings;
  /** Decimal separator of float-typed cells (the writer's). */
  decimal: '.' | ',';
  params: ReadonlyMap<string, unknown>;
}

/**
 * The formatted cell of a column over its raw expression, or undefined when the column's JS
 * formatting has no SQL twin (or the cell options cannot be done in SQL: stripHTML).
 */
export function formattedCellSql(
  column: Column,
  use: ColumnUse,
  expression: SqlFragment,
  cell: SqlCellSettings,
): SqlFragment | undefined {
  const { settings, decimal, params } = cell;
  if (settings.stripHtml) return undefined;
  const type = column.metadata.type;
  let text: SqlFragment | undefined;
  if (column.format) {
    if (!column.formatSql) return undefined;
    const context: SqlFormatContext = { param: <T>(name: string) => params.get(name) as T };
    text = column.formatSql(canonicalSelect(type, expression, settings.timeZone), context, use);
    if (text === undefined) return undefined;
  } else {
    text = typeFormatSql(type, expression, settings);
  }
  if (settings.maxLength !== undefined) text = sql`left(${text}, ${settings.maxLength}::integer)`;
  if (type === 'float' && decimal !== '.') text = sql`replace(${text}, '.', ${decimal}::text)`;
  return sql`nullif(${text}, '')`;
}

/** The type's formatter in SQL, from the raw expression (see type-formatters.ts for the JS forms). */
export function typeFormatSql(type: ColumnType, expression: SqlFragment, settings: FormattingSettings): SqlFragment {
  switch (type) {
    case 'date':
      return sql`to_char(${expression}, ${datePatternToSql(settings.dateFormat, false)}::text)`;
    case 'datetime':
      return sql`to_char((${expression}) AT TIME ZONE ${settings.timeZone}::text, ${datePatternToSql(settings.dateTimeFormat, true)}::text)`;
    case 'float':
      return trimmedDecimalsSql(expression);
    case 'duration':
      return durationSql(expression, settings.durationFormat);
    default:
      return canonicalSelect(type, expression, settings.timeZone);
  }
}

/**
 * A float as the JS path writes it (canonical rounding to 2 decimals, then trimDecimals: `80.00` →
 * `80`, `12.50` → `12.5`): trim_scale drops the trailing zeros of the rounded numeric, which never
 * prints `-0.00` (a negative that rounds to zero is `0.00`). Plain numeric functions, measured as
 * cheap as the rounding alone; the regular expressions used before cost about as much again.
 */
export function trimmedDecimalsSql(expression: SqlFragment): SqlFragment {
  return sql`trim_scale(round((${expression})::numeric, 2))::text`;
}

/**
 * formatDuration in SQL over a number of seconds (rounded to whole seconds as the canonical text
 * is; negative → 0, hours never capped; NULL stays NULL). Written inline, the clamped seconds
 * repeated where the format needs them: a scalar sub-select (a SubPlan run per row) cost ~2× the
 * whole cell at 1M rows.
 */
export function durationSql(expression: SqlFragment, format: DurationFormat): SqlFragment {
  const seconds = sql`round(${expression})::bigint`;
  const s = sql`greatest(${seconds}, 0)`;
  const h = sql`(${s} / 3600)`;
  const m = sql`(${s} % 3600 / 60)`;
  const x = sql`(${s} % 60)`;
  let render: SqlFragment;
  switch (format) {
    case 'rawSeconds':
      render = sql`${s}::text`;
      break;
    case 'rawMinutes':
      render = sql`trim_scale(round(${s}::numeric / 60, 2))::text`;
      break;
    case 'iso-8601':
      render = sql`CASE WHEN ${s} = 0 THEN 'PT0S' ELSE 'PT' || CASE WHEN ${h} > 0 THEN ${h} || 'H' ELSE '' END || CASE WHEN ${m} > 0 THEN ${m} || 'M' ELSE '' END || CASE WHEN ${x} > 0 THEN ${x} || 'S' ELSE '' END END`;
      break;
    case 'padded':
      render = sql`CASE WHEN ${h} < 100 THEN lpad(${h}::text, 3, '0') ELSE ${h}::text END || ':' || lpad(${m}::text, 2, '0')`;
      break;
    case 'paddedhh':
      render = sql`CASE WHEN ${h} < 10 THEN lpad(${h}::text, 2, '0') ELSE ${h}::text END || ':' || lpad(${m}::text, 2, '0')`;
      break;
  }
  // greatest() ignores NULLs: the guard keeps an empty duration empty.
  return sql`CASE WHEN ${seconds} IS NULL THEN NULL ELSE ${render} END`;
}
