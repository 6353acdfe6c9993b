import type { Knex } from 'knex';
import { setTimeout as sleep } from 'node:timers/promises';
import { ExportkitError } from '../errors/exportkit-error.js';

/** How long a delta run waits, by default, for the replica to replay what the primary had written at its mark. */
export const DEFAULT_REPLICA_WAIT_SECONDS = 30;

/** How often the replica's replay position is read while waiting. */
const REPLAY_POLL_MS = 50;

/**
 * Refuses a replica that would read other data than the primary's: a server that is not in
 * recovery (a primary, or a promoted standby that now diverges), or a standby of another cluster
 * (its system identifier, fixed at initdb and kept by every physical copy, differs).
 */
export async function checkReplica(primary: Knex, replica: Knex, where: string): Promise<void> {
  const [primaryId, standby] = await Promise.all([
    systemIdentifier(primary),
    one<{ recovering: boolean; id: string }>(
      replica,
      'SELECT pg_is_in_recovery() AS recovering, (pg_control_system()).system_identifier::text AS id',
    ),
  ]);
  if (!standby.recovering) {
    throw new ExportkitError(
      `the read replica (${where}) is not in recovery: it is a primary server, not a standby replaying one; ` +
        'give a streaming replica of the database server (pg_is_in_recovery() true), or no replica',
    );
  }
  if (standby.id !== primaryId) {
    throw new ExportkitError(
      `the read replica (${where}) replays another cluster (system identifier ${standby.id}, the primary's is ${primaryId}); ` +
        'give a standby of the primary the engine writes its state to',
    );
  }
}

/**
 * The primary's WAL position now: read after the delta mark, it is past the commit of every
 * transaction that wrote rows stamped before the mark (see takeDeltaMark). The insert position,
 * not the write position: with asynchronous commit a committed transaction's record may not be
 * written yet.
 */
export async function primaryWalPosition(primary: Knex): Promise<string> {
  return (await one<{ lsn: string }>(primary, 'SELECT pg_current_wal_insert_lsn()::text AS lsn')).lsn;
}

/**
 * Waits until the replica has replayed the primary's WAL up to `lsn`; a snapshot the replica
 * takes afterwards sees every transaction committed before it. Throws after `timeoutSeconds`
 * naming how far behind the replica is.
 */
export async function waitForReplay(
  replica: Knex,
  lsn: string,
  options: { timeoutSeconds: number; where: string; signal?: AbortSignal },
): Promise<void> {
  const deadline = performance.now() + options.timeoutSeconds * 1000;
  for (;;) {
    const state = await one<{
      caught_up: boolean;
      replayed: string | null;
      behind: string | null;
      idle: string | null;
    }>(
      replica,
      `SELECT coalesce(pg_last_wal_replay_lsn() >= ?::pg_lsn, false) AS caught_up,
              pg_last_wal_replay_lsn()::text AS replayed,
              pg_wal_lsn_diff(?::pg_lsn, pg_last_wal_replay_lsn())::bigint::text AS behind,
              round(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 1)::text AS idle`,
      [lsn, lsn],
    );
    if (state.caught_up) return;
    if (performance.now() >= deadline) {
      throw new ExportkitError(
        `the read replica (${options.where}) has not replayed the primary's WAL up to ${lsn} within ${options.timeoutSeconds} s ` +
          `(replayed up to ${state.replayed ?? 'nothing'}, ${state.behind ?? 'unknown'} bytes behind` +
          `${state.idle === null ? '' : `, its last replayed transaction committed ${state.idle} s ago`}): ` +
          'a delta run reads only once the replica has every row before its delta mark; ' +
          'check the replication (pg_stat_replication on the primary) or allow a longer wait (replicaWaitSeconds, --replica-wait)',
      );
    }
    await sleep(REPLAY_POLL_MS, undefined, { signal: options.signal });
  }
}

async function systemIdentifier(knex: Knex): Promise<string> {
  return (await one<{ id: string }>(knex, 'SELECT (pg_control_system()).system_identifier::text AS id')).id;
}

async function one<T>(knex: Knex, sql: string, bindings: readonly unknown[] = []): Promise<T> {
  return ((await knex.raw(sql, bindings as never)) as { rows: T[] }).rows[0]!;
}
