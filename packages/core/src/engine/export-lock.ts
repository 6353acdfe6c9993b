import type { Knex } from 'knex';
import { ExportkitError } from '../errors/exportkit-error.js';

/** A second run of an export guid while the first is still running. */
export class ConcurrentRunError extends ExportkitError {}

type Release = () => Promise<void>;

const runningByDatabase = new WeakMap<Knex, Set<string>>();

/**
 * Makes the runs of one export guid exclusive. On PostgreSQL: a session advisory lock taken with
 * pg_try_advisory_lock on a connection held for the run, so a run in another process is refused
 * at once too. PGlite has one connection and one owning process, so the engine's own set of
 * running guids (per database) gives the same guarantee there; it also answers first on
 * PostgreSQL within one process.
 */
export async function acquireExportLock(knex: Knex, exportGuid: string): Promise<Release> {
  let running = runningByDatabase.get(knex);
  if (!running) runningByDatabase.set(knex, (running = new Set()));
  if (running.has(exportGuid)) throw refused(exportGuid);
  running.add(exportGuid);
  const forget = () => void running.delete(exportGuid);
  if (!isPostgresServer(knex)) return async () => forget();

  const key = `exportkit:${exportGuid}`;
  const client = knex.client as { acquireConnection(): Promise<PgConnection>; releaseConnection(c: PgConnection): Promise<void> };
  let connection: PgConnection;
  try {
    connection = await client.acquireConnection();
  } catch (error) {
    forget();
    throw error;
  }
  try {
    const { rows } = await connection.query('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [key]);
    if (!rows[0]?.locked) throw refused(exportGuid);
  } catch (error) {
    await client.releaseConnection(connection);
    forget();
    throw error;
  }
  return async () => {
    try {
      await connection.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]);
    } finally {
      await client.releaseConnection(connection);
      forget();
    }
  };
}

interface PgConnection {
  query(sql: string, values: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
}

function isPostgresServer(knex: Knex): boolean {
  return (knex.client as { config?: { client?: unknown } }).config?.client === 'pg';
}

function refused(exportGuid: string): ConcurrentRunError {
  return new ConcurrentRunError(
    `export ${exportGuid} is already running (delta mode allows one run at a time); this run stopped without exporting anything`,
  );
}
