import type { Knex } from 'knex';

/** Runs one SQL statement without bindings and returns its rows: over knex, or over a raw connection while seeding. */
export type SqlRunner = (sql: string) => Promise<Array<Record<string, unknown>>>;

export const knexRunner =
  (knex: Knex): SqlRunner =>
  async (sql) => {
    const result = (await knex.raw(sql)) as { rows?: Array<Record<string, unknown>> };
    return result.rows ?? [];
  };

const IDENTITY_COLUMNS = `
SELECT c.relname AS table_name, a.attname AS column_name, pg_get_serial_sequence(quote_ident(n.nspname) || '.' || quote_ident(c.relname), a.attname) AS sequence_name
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
  AND (a.attidentity <> '' OR pg_get_serial_sequence(quote_ident(n.nspname) || '.' || quote_ident(c.relname), a.attname) IS NOT NULL)
ORDER BY c.relname, a.attname`;

/** The identity (and serial) sequences of the current schema and where they were moved to. */
export async function syncIdentitySequencesWith(
  run: SqlRunner,
): Promise<Array<{ table: string; column: string; next: number }>> {
  const moved: Array<{ table: string; column: string; next: number }> = [];
  for (const row of await run(IDENTITY_COLUMNS)) {
    const table = String(row.table_name);
    const column = String(row.column_name);
    const sequence = row.sequence_name;
    if (typeof sequence !== 'string') continue;
    const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
    const [result] = await run(
      `SELECT setval('${sequence.replace(/'/g, "''")}'::regclass, coalesce((SELECT max(${ident(column)}) FROM ${ident(table)}), 0) + 1, false) AS next`,
    );
    moved.push({ table, column, next: Number(result?.next) });
  }
  return moved;
}

/**
 * Moves every identity (and serial) sequence of the current schema past the largest id of its
 * column, so that inserts without an explicit id keep working after bulk inserts that gave
 * explicit ids. Returns, per column, the next value the sequence will give.
 */
export async function syncIdentitySequences(
  knex: Knex,
): Promise<Array<{ table: string; column: string; next: number }>> {
  return syncIdentitySequencesWith(knexRunner(knex));
}
