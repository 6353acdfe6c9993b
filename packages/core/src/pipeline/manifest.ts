import { basename } from 'node:path';
import type { RunContext } from './run-context.js';
import type { ExportPlan } from '../validation/export-plan.js';
import { fileDigest } from './file-digests.js';

export interface Manifest {
  engine: { name: string; version: string };
  export: { guid: string | null; name: string };
  provider: string;
  template: string;
  columns: Array<{ name: string; header: string; type: string }>;
  parameters: Record<string, unknown>;
  now: string;
  timeZone: string;
  rows: number;
  files: Array<{ name: string; bytes: number; sha256: string; rows?: number; format?: string }>;
  timings: Record<string, number>;
}

export { sha256Of } from './file-digests.js';

/** The manifest.json of the default package (PIPELINE.md, "The default package"). */
export async function buildManifest(context: RunContext, plan: ExportPlan, engineVersion: string): Promise<Manifest> {
  const files = await Promise.all(
    context.files.map(async (file) => ({
      name: basename(file.path),
      ...(await fileDigest(context.journal, file.path)),
      ...(file.rows !== undefined ? { rows: file.rows } : {}),
      ...(file.format ? { format: file.format } : {}),
    })),
  );
  return {
    engine: { name: 'exportkit', version: engineVersion },
    export: { guid: context.exportGuid ?? null, name: context.exportName },
    provider: plan.provider.provider.metadata.name,
    template: plan.file,
    columns: plan.columns.map(({ column, use }) => ({
      name: column.metadata.name,
      header: use.header,
      type: column.metadata.type,
    })),
    parameters: Object.fromEntries(
      [...plan.parameters].map(([k, v]) => [k, v instanceof Map ? Object.fromEntries(v) : v]),
    ),
    now: context.now.toISOString(),
    timeZone: context.timeZone,
    rows: context.rows,
    files,
    timings: { ...context.timings },
  };
}
