import type { ColumnType } from '../contributions/value-types.js';
import { sql, type SqlFragment } from './sql-fragment.js';

/**
 * Wraps a column's raw expression so the database returns its canonical text: the same on
 * PGlite and PostgreSQL, cheap to parse (no Date objects), time zones converted by PostgreSQL.
 * Ints and floats as decimal text (floats rounded to 2 decimals), dates `YYYY-MM-DD`,
 * datetimes `YYYY-MM-DD HH:MM:SS` in the export's time zone, durations as whole seconds.
 */
export function canonicalSelect(type: ColumnType, expression: SqlFragment, timeZone: string): SqlFragment {
  switch (type) {
    case 'float':
      return sql`round((${expression})::numeric, 2)::text`;
    case 'date':
      return sql`to_char(${expression}, 'YYYY-MM-DD')`;
    case 'datetime':
      return sql`to_char((${expression}) AT TIME ZONE ${timeZone}, 'YYYY-MM-DD HH24:MI:SS')`;
    case 'duration':
      return sql`round(${expression})::bigint::text`;
    default:
      return sql`(${expression})::text`;
  }
}
