import type { Knex } from 'knex';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { isProcessAlive, processFromText } from './process-alive.js';
import { join } from 'node:path';
import { FileJournal, JOURNAL_FILE } from '../pipeline/file-journal.js';
import { HEARTBEAT_STALE_SECONDS } from './run-record.js';
import { EXPORT_RUNS } from './engine-state.js';
import { isBeingRemoved, removeWorkFolder, WORK_FOLDER } from './work-folder.js';

/**
 * A work folder without a journal (or whose journal has no whole owner line) older than this
 * belongs to no live run: a run makes its journal right after its folder, in the same turn of
 * the event loop.
 */
const ORPHAN_WORK_FOLDER_MS = 60 * 60 * 1000;

export interface RecoveryReport {
  /** `export_runs` ids closed as failed (abandoned). */
  abandoned: number[];
  /** Runs whose files were put back as before them (failed or dead runs). */
  undone: number[];
  /** Succeeded runs whose cleanup was finished (they died after recording success). */
  completed: number[];
  /** What could not be done; the run goes on. */
  problems: string[];
}

/**
 * Finishes what dead runs left: a run killed (SIGKILL, a second Ctrl-C, power loss) leaves its
 * journal in `<data>/.exportkit-work/<run>/` and its `export_runs` row `running`. A run is dead
 * when it ran on this host and its process is gone, or when it ran on another host (a data
 * directory or database shared by several machines) and its heartbeat is older than
 * HEARTBEAT_STALE_SECONDS. Its journal is replayed: undone unless its row says it
 * succeeded (then its cleanup is completed), and its row is closed as failed with the reason.
 * Called before every run, so the outcome, the files and `export_runs` agree again.
 */
export async function recoverAbandonedRuns(knex: Knex, dataDir: string): Promise<RecoveryReport> {
  const report: RecoveryReport = { abandoned: [], undone: [], completed: [], problems: [] };
  const here = hostname();

  const workRoot = join(dataDir, WORK_FOLDER);
  for (const entry of existsSync(workRoot) ? readdirSync(workRoot) : []) {
    const folder = join(workRoot, entry);
    const journalPath = join(folder, JOURNAL_FILE);
    try {
      if (isBeingRemoved(entry)) {
        await rm(folder, { recursive: true, force: true });
        continue;
      }
      const journal = FileJournal.readIfStarted(journalPath);
      if (!journal) {
        if (Date.now() - statSync(folder).mtimeMs > ORPHAN_WORK_FOLDER_MS) await removeWorkFolder(folder);
        continue;
      }
      const { owner, state } = journal;
      if (owner.host === here && isProcessAlive(owner)) continue;
      const row = (await knex(EXPORT_RUNS).where({ id: owner.runId }).first('status', 'export_guid')) as
        { status: string; export_guid: string } | undefined;
      if (!row || row.export_guid !== owner.exportGuid) {
        report.problems.push(
          `${journalPath}: run ${owner.runId} of ${owner.exportGuid} is not in this database's export_runs; left as it is`,
        );
        continue;
      }
      // Claim a running row before touching its files: a live run elsewhere that records its
      // success meanwhile keeps its row, and then its files.
      if (
        row.status === 'running' &&
        !(await closeAbandoned(knex, owner.runId, owner.host, owner.pid, owner.host !== here))
      )
        continue;
      if (row.status === 'running') report.abandoned.push(owner.runId);
      const problems = row.status === 'succeeded' ? state.complete() : state.undo();
      (row.status === 'succeeded' ? report.completed : report.undone).push(owner.runId);
      report.problems.push(...problems);
      if (problems.length === 0) await removeWorkFolder(folder); // else: tried again next time
    } catch (error) {
      // Gone meanwhile: settled by the recovery of another process sharing the data directory.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      report.problems.push(`${folder}: ${(error as Error).message}`);
    }
  }

  // Rows of dead runs that left no journal (killed before writing a file, or elsewhere).
  const running = (await knex(EXPORT_RUNS)
    .where({ status: 'running' })
    .select('id', 'host', 'pid', 'process_start')) as Array<{
    id: number | string;
    host: string | null;
    pid: number | null;
    process_start: string | null;
  }>;
  for (const row of running) {
    if (row.host === here) {
      if (row.pid === null || isProcessAlive(processFromText(row.pid, row.host, row.process_start))) continue;
      if (await closeAbandoned(knex, Number(row.id), row.host, row.pid, false)) report.abandoned.push(Number(row.id));
    } else if (await closeAbandoned(knex, Number(row.id), row.host, row.pid, true)) {
      report.abandoned.push(Number(row.id));
    }
  }
  return report;
}

/**
 * Closes a running row as abandoned, in one statement that also checks it is still running
 * (and, for a run of another host, that its heartbeat is stale): true when this call closed it.
 */
async function closeAbandoned(
  knex: Knex,
  id: number,
  host: string | null,
  pid: number | null,
  onlyIfStale: boolean,
): Promise<boolean> {
  let query = knex(EXPORT_RUNS).where({ id, status: 'running' });
  if (onlyIfStale) query = query.whereRaw('heartbeat_at < now() - make_interval(secs => ?)', [HEARTBEAT_STALE_SECONDS]);
  const updated = await query.update({
    status: 'failed',
    error: `abandoned: process ${pid ?? '?'} on ${host ?? '?'} stopped without finishing; its files were rolled back by a later run`,
    finished_at: knex.raw('now()'),
    heartbeat_at: null,
  });
  return updated === 1;
}
