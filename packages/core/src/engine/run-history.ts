import type { Knex } from 'knex';
import { EXPORT_RUNS } from './engine-state.js';

/** One past run, as `export_runs` records it (times are the database's clock). */
export interface PastRun {
  id: number;
  exportGuid: string;
  status: 'running' | 'succeeded' | 'failed';
  startedAt: Date;
  finishedAt: Date | null;
  /** Seconds from start to finish (null while running). */
  seconds: number | null;
  /** The run's reference instant (`--now`, or its start). */
  referenceNow: Date | null;
  rows: number;
  files: string[];
  error: string | null;
  host: string | null;
  pid: number | null;
  templatePath: string | null;
  templateSha256: string | null;
  deltaMark: Date | null;
}

export interface RunFilter {
  exportGuid?: string;
  status?: PastRun['status'];
  /** Newest first; default 20. */
  limit?: number;
}

/** Past runs, newest first, from `export_runs`: what a person asks later (which template, when, what it wrote, why it failed). */
export async function listRuns(knex: Knex, filter: RunFilter = {}): Promise<PastRun[]> {
  let query = knex(EXPORT_RUNS)
    .orderBy('id', 'desc')
    .limit(filter.limit ?? 20);
  if (filter.exportGuid !== undefined) query = query.where({ export_guid: filter.exportGuid });
  if (filter.status !== undefined) query = query.where({ status: filter.status });
  const rows = (await query.select('*')) as Array<Record<string, unknown>>;
  return rows.map((r) => {
    const started = r['started_at'] as Date;
    const finished = (r['finished_at'] as Date | null) ?? null;
    const files = r['files'];
    return {
      id: Number(r['id']),
      exportGuid: String(r['export_guid']),
      status: r['status'] as PastRun['status'],
      startedAt: started,
      finishedAt: finished,
      seconds: finished ? Math.round((finished.getTime() - started.getTime()) / 100) / 10 : null,
      referenceNow: (r['reference_now'] as Date | null) ?? null,
      rows: Number(r['rows']),
      files: Array.isArray(files)
        ? (files as string[])
        : typeof files === 'string'
          ? (JSON.parse(files) as string[])
          : [],
      error: (r['error'] as string | null) ?? null,
      host: (r['host'] as string | null) ?? null,
      pid: r['pid'] === null || r['pid'] === undefined ? null : Number(r['pid']),
      templatePath: (r['template_path'] as string | null) ?? null,
      templateSha256: (r['template_sha256'] as string | null) ?? null,
      deltaMark: (r['delta_mark'] as Date | null) ?? null,
    };
  });
}
