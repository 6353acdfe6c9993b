import type { ColumnCheckContext } from '../contributions/column.js';
import { sql } from '../query/sql-fragment.js';

/**
 * Whether PostgreSQL's tz database knows a zone that validation accepted (a region name ICU
 * knows): catches a server whose tz database is older than the engine's ICU. An unknown zone
 * is error 22023 (invalid_parameter_value); any other error is the database's and propagates.
 */
export async function databaseKnowsZone(
  database: Required<Pick<ColumnCheckContext, 'query'>>,
  zone: string,
): Promise<boolean> {
  try {
    await database.query(sql`SELECT now() AT TIME ZONE ${zone}::text AS local_now`);
    return true;
  } catch (error) {
    if ((error as { code?: string })?.code === '22023') return false;
    throw error;
  }
}
