import type { Knex } from 'knex';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { FileJournal, JOURNAL_FILE } from '../pipeline/file-journal.js';
import { HEARTBEAT_STALE_SECONDS } from './run-record.js';

/** The data directory's folder for runs' scratch files and journals. */
export const WORK_FOLDER = '.exportkit-work';

/** A work folder without a journal older than this belongs to no live run (it is made just before its journal). */
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
  const statusOf = async (id: number) =>
    (await knex('export_runs')
      .where({ id })
      .first('status', knex.raw(`heartbeat_at < now() - make_interval(secs => ?) AS stale`, [HEARTBEAT_STALE_SECONDS]))) as
      | { status: string; stale: boolean | null }
      | undefined;

  const workRoot = join(dataDir, WORK_FOLDER);
  for (const entry of existsSync(workRoot) ? readdirSync(workRoot) : []) {
    const folder = join(workRoot, entry);
    const journalPath = join(folder, JOURNAL_FILE);
    try {
      if (!existsSync(journalPath)) {
        if (Date.now() - statSync(folder).mtimeMs > ORPHAN_WORK_FOLDER_MS) rmSync(folder, { recursive: true, force: true });
        continue;
      }
      const { owner, state } = FileJournal.read(journalPath);
      if (owner.host === here && isAlive(owner.pid)) continue;
      const row = await statusOf(owner.runId);
      if (!row) {
        report.problems.push(`${journalPath}: run ${owner.runId} is not in this database's export_runs; left as it is`);
        continue;
      }
      if (owner.host !== here && row.status === 'running' && !row.stale) continue; // alive on another host
      if (row.status === 'succeeded') {
        report.problems.push(...state.complete());
        report.completed.push(owner.runId);
      } else {
        report.problems.push(...state.undo());
        report.undone.push(owner.runId);
        if (row.status === 'running' && (await closeAbandoned(knex, owner.runId, owner.host, owner.pid))) report.abandoned.push(owner.runId);
      }
      rmSync(folder, { recursive: true, force: true });
    } catch (error) {
      report.problems.push(`${folder}: ${(error as Error).message}`);
    }
  }

  // Rows of dead runs that left no journal (killed before writing a file, or elsewhere).
  const running = (await knex('export_runs')
    .where({ status: 'running' })
    .select('id', 'host', 'pid', knex.raw(`heartbeat_at < now() - make_interval(secs => ?) AS stale`, [HEARTBEAT_STALE_SECONDS]))) as Array<{
    id: number | string;
    host: string | null;
    pid: number | null;
    stale: boolean | null;
  }>;
  for (const row of running) {
    // On this host the process table is the truth; elsewhere the heartbeat is.
    const dead = row.host === here ? row.pid !== null && !isAlive(row.pid) : row.stale === true;
    if (!dead) continue;
    if (await closeAbandoned(knex, Number(row.id), row.host, row.pid)) report.abandoned.push(Number(row.id));
  }
  return report;
}

async function closeAbandoned(knex: Knex, id: number, host: string | null, pid: number | null): Promise<boolean> {
  const updated = await knex('export_runs')
    .where({ id, status: 'running' })
    .update({
      status: 'failed',
      error: `abandoned: process ${pid ?? '?'} on ${host ?? '?'} stopped without finishing; its files were rolled back by a later run`,
      finished_at: knex.raw('now()'),
      heartbeat_at: null,
    });
  return updated === 1;
}

/** Whether a process of this host is alive (EPERM: it exists, owned by someone else). */
function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
