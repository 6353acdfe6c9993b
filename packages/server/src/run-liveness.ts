import pg from 'pg';

/**
 * The advisory-lock class of "exportkit job liveness": the two-int key (class, hashtext(job id))
 * is a key space of its own, apart from the export guids' bigint keys.
 */
const LIVENESS_LOCK_CLASS = 0x65786b6c; // 'exkl'

/**
 * Keepalives of the liveness session, set on the server's side: a machine that died without
 * closing its socket loses its session (and its lock) after idle + interval × count ≈ 25 s. A
 * killed process closes its socket at once.
 */
const KEEPALIVE_SETTINGS =
  'SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3';

const PROBE_EVERY_MS = 5000;
const PROBE_TIMEOUT_MS = 10_000;

/** How pg-boss runs its SQL (its `db` option): here, in the supervisor's transaction. */
export interface QueryRunner {
  executeSql(text: string, values: unknown[]): Promise<{ rows: unknown[] }>;
}

/** An attempt's liveness lock, held by a PostgreSQL session of its own until released. */
export interface LivenessLock {
  release(): Promise<void>;
}

/** The attempt's job was given to the queue again before its attempt locked it: it must not run. */
export class LivenessLostError extends Error {}

/**
 * Takes the liveness lock of a job's attempt (`retryCount`: which attempt, as pg-boss counts
 * them) on a connection of its own; `onLost` is called if that connection fails or closes before
 * release, since another worker may then be given the job. Checks, once the lock is held, that the
 * job is still this attempt's and active: a supervisor that found it unlocked may have failed it.
 */
export async function holdLiveness(
  connectionString: string,
  jobTable: string,
  jobId: string,
  retryCount: number,
  onLost: (error: Error) => void,
): Promise<LivenessLock> {
  const client = new pg.Client({
    connectionString,
    application_name: 'exportkit-liveness',
    keepAlive: true,
    query_timeout: PROBE_TIMEOUT_MS,
  });
  let released = false;
  let probe: NodeJS.Timeout | undefined;
  const lost = (error: Error) => {
    if (released) return;
    released = true;
    clearInterval(probe);
    onLost(new Error(`the worker lost its liveness lock of run ${jobId}: ${error.message}`));
    void client.end().catch(() => undefined);
  };
  client.on('error', lost);
  client.on('end', () => lost(new Error('its database connection closed')));
  try {
    await client.connect();
    await client.query(KEEPALIVE_SETTINGS);
    await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [LIVENESS_LOCK_CLASS, jobId]);
    const { rows } = await client.query(
      `SELECT 1 FROM ${jobTable} WHERE id = $1 AND state = 'active' AND retry_count = $2`,
      [jobId, retryCount],
    );
    if (rows.length === 0) throw new LivenessLostError(`run ${jobId} was given back to the queue before it started`);
    // A connection cut without a word (a network partition) is noticed by a query that fails.
    probe = setInterval(() => void client.query('SELECT 1').catch(lost), PROBE_EVERY_MS);
    probe.unref();
  } catch (error) {
    released = true;
    await client.end().catch(() => undefined);
    throw error;
  }
  return {
    release: async () => {
      released = true;
      clearInterval(probe);
      // Ending the session releases its lock, whatever state the connection is in.
      await client.end().catch(() => undefined);
    },
  };
}

/**
 * Fails, through `fail` run in the same transaction, the active jobs of `queue` started more than
 * `graceSeconds` ago whose liveness lock nobody holds: their worker is gone. The job's row is
 * locked first (SKIP LOCKED) and its state read again under that lock, so that supervisors
 * looking at once fail a job once, and never a later attempt of it; the lock test is
 * transaction-scoped, so it is let go at commit. Returns the ids failed.
 */
export async function failDeadRuns(
  connectionString: string,
  jobTable: string,
  queue: string,
  graceSeconds: number,
  fail: (id: string, db: QueryRunner) => Promise<unknown>,
): Promise<string[]> {
  const client = new pg.Client({ connectionString, application_name: 'exportkit-supervisor' });
  await client.connect();
  try {
    const { rows: candidates } = await client.query<{ id: string }>(
      `SELECT id FROM ${jobTable} WHERE name = $1 AND state = 'active' AND started_on < now() - make_interval(secs => $2)`,
      [queue, graceSeconds],
    );
    const failed: string[] = [];
    for (const { id } of candidates) {
      await client.query('BEGIN');
      try {
        const { rows } = await client.query(
          `SELECT id FROM ${jobTable}
           WHERE id = $1 AND name = $2 AND state = 'active' AND started_on < now() - make_interval(secs => $3)
             AND pg_try_advisory_xact_lock($4, hashtext($1::text))
           FOR UPDATE SKIP LOCKED`,
          [id, queue, graceSeconds, LIVENESS_LOCK_CLASS],
        );
        if (rows.length > 0) {
          await fail(id, { executeSql: (text, values) => client.query(text, values) });
          failed.push(id);
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    }
    return failed;
  } finally {
    await client.end().catch(() => undefined);
  }
}
