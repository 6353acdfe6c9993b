import type { Knex } from 'knex';

/**
 * The planner's estimate of a statement's rows (`EXPLAIN (FORMAT JSON)`: planning only, no
 * execution), for a progress total and an ETA. An estimate, labelled as such wherever shown;
 * undefined when the database cannot say.
 */
export async function estimateRows(
  knex: Knex,
  query: { sql: string; bindings: readonly unknown[] },
): Promise<number | undefined> {
  try {
    const result = (await knex.raw(`EXPLAIN (FORMAT JSON) ${query.sql}`, query.bindings as never)) as {
      rows: Array<Record<string, unknown>>;
    };
    const cell = result.rows[0]?.['QUERY PLAN'];
    const plan = (typeof cell === 'string' ? JSON.parse(cell) : cell) as Array<{ Plan?: { 'Plan Rows'?: number } }>;
    const rows = plan[0]?.Plan?.['Plan Rows'];
    return typeof rows === 'number' && Number.isFinite(rows) ? Math.round(rows) : undefined;
  } catch {
    return undefined;
  }
}
