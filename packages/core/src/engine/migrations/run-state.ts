/**
 * Migration 002 of the engine's own state: what a run needs so that nothing is lost across
 * crashes and concurrent runs (SCHEMA.md allows extra columns, never renamed or dropped ones).
 *
 * - `delta_mark`: for an incremental (delta mode) run, the database's instant just before the
 *   run's snapshot, moved back to the start of the oldest transaction then still open; the next
 *   run exports what changed at or after it. NULL for other runs, and for runs from before this
 *   migration (so the first delta run after the upgrade exports everything: at least once).
 * - `reference_now`: the run's reference instant (`--now`, or the start); `started_at` is now the
 *   database's clock at the start, so a reproducible `--now` no longer hides when a run happened.
 * - `host`, `pid`, `process_start`, `heartbeat_at`: who runs it and when it was last seen alive,
 *   so that a later run can tell a dead `running` row (SIGKILL, power loss) from a live one and
 *   close it; `process_start` (boot id and start time of the process) tells a reused pid apart.
 * - `template_path`, `template_sha256`, `files`: what ran and what it kept, for `exportkit runs`
 *   (a person asking later which template, in which version, wrote which files).
 */
export const runStateUp: readonly string[] = [
  `ALTER TABLE exportkit.export_runs
  ADD COLUMN delta_mark timestamptz NULL,
  ADD COLUMN reference_now timestamptz NULL,
  ADD COLUMN host text NULL,
  ADD COLUMN pid integer NULL,
  ADD COLUMN process_start text NULL,
  ADD COLUMN heartbeat_at timestamptz NULL,
  ADD COLUMN template_path text NULL,
  ADD COLUMN template_sha256 text NULL,
  ADD COLUMN files jsonb NULL`,
  // Delta mode reads the newest mark of a guid's succeeded runs.
  `CREATE INDEX export_runs_export_guid_delta_mark_index ON exportkit.export_runs (export_guid, delta_mark) WHERE status = 'succeeded'`,
  // Start-up recovery looks for running rows.
  `CREATE INDEX export_runs_running_index ON exportkit.export_runs (host, pid) WHERE status = 'running'`,
];

export const runStateDown: readonly string[] = [
  'DROP INDEX IF EXISTS exportkit.export_runs_running_index',
  'DROP INDEX IF EXISTS exportkit.export_runs_export_guid_delta_mark_index',
  `ALTER TABLE exportkit.export_runs
  DROP COLUMN IF EXISTS files,
  DROP COLUMN IF EXISTS template_sha256,
  DROP COLUMN IF EXISTS template_path,
  DROP COLUMN IF EXISTS heartbeat_at,
  DROP COLUMN IF EXISTS process_start,
  DROP COLUMN IF EXISTS pid,
  DROP COLUMN IF EXISTS host,
  DROP COLUMN IF EXISTS reference_now,
  DROP COLUMN IF EXISTS delta_mark`,
];
