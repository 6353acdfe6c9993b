import type { Knex } from 'knex';
import { ExportkitError } from '../errors/exportkit-error.js';
import { isPostgresServer } from './database-kind.js';

/** A second run of an export guid while the first is still running. */
export class ConcurrentRunError extends ExportkitError {}

/** The exclusive right of one run to an export guid. */
export interface ExportLock {
  /**
   * Fails unless the lock is still held: on PostgreSQL the lock lives with its connection, and
   * a connection that was terminated took the lock with it (another run may have started).
   * Called just before the run records its success.
   */
  confirm(): Promise<void>;
  /** Gives the lock up. Never throws: the lock goes with its connection anyway. */
  release(): Promise<void>;
}

const runningByDatabase = new WeakMap<Knex, Set<string>>();

/**
 * Makes the runs of one export guid exclusive. On PostgreSQL: a session advisory lock taken with
 * pg_try_advisory_lock on a connection held for the run, so a run in another process is refused
 * at once too. PGlite has one connection and one owning process (the folder is locked), so the
 * engine's own set of running guids (per database) gives the same guarantee there; it also
 * answers first on PostgreSQL within one process.
 */
export async function acquireExportLock(knex: Knex, exportGuid: string): Promise<ExportLock> {
  let running = runningByDatabase.get(knex);
  if (!running) runningByDatabase.set(knex, (running = new Set()));
  if (running.has(exportGuid)) throw refused(exportGuid);
  running.add(exportGuid);
  const forget = () => void running.delete(exportGuid);
  if (!isPostgresServer(knex)) return { confirm: async () => undefined, release: async () => forget() };

  const key = `exportkit:${exportGuid}`;
  const client = knex.client as {
    acquireConnection(): Promise<PgConnection>;
    releaseConnection(c: PgConnection): Promise<void>;
  };
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
    await client.releaseConnection(connection).catch(() => undefined);
    forget();
    throw error;
  }
  return {
    async confirm() {
      let held: boolean;
      try {
        // An advisory lock on a bigint key is stored as classid (high half) and objid (low half).
        const { rows } = await connection.query(
          `SELECT count(*) > 0 AS held FROM pg_locks
           WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted AND objsubid = 1
             AND ((classid::bigint << 32) | objid::bigint) = hashtextextended($1, 0)`,
          [key],
        );
        held = rows[0]?.held === true;
      } catch (error) {
        throw lost(exportGuid, (error as Error).message);
      }
      if (!held) throw lost(exportGuid, 'the lock is no longer held');
    },
    async release() {
      try {
        await connection.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]);
      } catch {
        // the connection is gone, and its lock with it
      } finally {
        await client.releaseConnection(connection).catch(() => undefined);
        forget();
      }
    },
  };
}

interface PgConnection {
  query(sql: string, values: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
}

function refused(exportGuid: string): ConcurrentRunError {
  return new ConcurrentRunError(
    `export ${exportGuid} is already running (delta mode allows one run at a time); this run stopped without exporting anything`,
  );
}

function lost(exportGuid: string, reason: string): ConcurrentRunError {
  return new ConcurrentRunError(
    `export ${exportGuid}: the lock that keeps its runs apart was lost (${reason}); another run may have started, ` +
      'so this run keeps nothing and does not move the delta mark',
  );
}
