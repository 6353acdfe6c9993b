import type { Knex } from 'knex';
import { EXPORT_RUNS } from './engine-state.js';

/**
 * How far back the mark is moved beyond what pg_stat_activity shows: a transaction takes its
 * start time (`now()`, what it writes into `updated_at`) a moment before it appears there, so a
 * mark read in that moment would be later than the transaction's writes.
 */
export const DELTA_MARK_MARGIN_SECONDS = 1;

export interface DeltaMark {
  /** The mark to record: changes at or after it are the next run's. */
  mark: Date | null;
  /** Sessions of the database whose transactions this role may not see (then the mark does not advance). */
  hiddenSessions: number;
}

/**
 * The delta mark of a run, read from the database's clock just before the run's snapshot: the
 * earlier of now and the start of the oldest transaction still open on this database, of any
 * backend (it may
 * commit rows stamped with that start after the snapshot: invisible to this run, they must be
 * the next run's), less a margin. Never the client's clock or `--now`.
 *
 * A role that cannot see other roles' sessions (neither superuser nor a member of
 * pg_read_all_stats) cannot know their transactions: the mark then stays where the previous
 * succeeded run of the guid left it (null if none), so nothing is lost; more rows come again.
 */
export async function takeDeltaMark(knex: Knex, exportGuid: string): Promise<DeltaMark> {
  const result = (await knex.raw(
    `WITH sessions AS (
       -- Every backend of this database but ours (background workers may write too). Another
       -- role's session shows only its pid, user and database: backend_type is null.
       SELECT a.xact_start, a.backend_type IS NULL AS hidden
       FROM pg_stat_activity a
       WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()
     ), observed AS (
       SELECT least(clock_timestamp(), min(xact_start)) - make_interval(secs => ?) AS mark,
              count(*) FILTER (WHERE hidden) AS hidden
       FROM sessions
     )
     -- A prepared transaction (two-phase commit) is in no session and its start is unknown:
     -- like a hidden session, it keeps the previous mark.
     SELECT CASE WHEN o.hidden = 0 AND NOT EXISTS (SELECT 1 FROM pg_prepared_xacts p WHERE p.database = current_database())
              THEN o.mark ELSE (
              SELECT max(r.delta_mark) FROM ${EXPORT_RUNS} r WHERE r.export_guid = ? AND r.status = 'succeeded'
            ) END AS mark,
            o.hidden::int AS hidden
     FROM observed o`,
    [DELTA_MARK_MARGIN_SECONDS, exportGuid],
  )) as { rows: Array<{ mark: Date | string | null; hidden: number }> };
  const row = result.rows[0]!;
  return { mark: row.mark === null ? null : new Date(row.mark), hiddenSessions: Number(row.hidden) };
}
