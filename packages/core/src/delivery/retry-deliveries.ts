import type { Knex } from 'knex';
import { existsSync } from 'node:fs';
import { ExportkitError } from '../errors/exportkit-error.js';
import { EXPORT_RUNS } from '../engine/engine-state.js';
import type { Logger } from '../engine/logger.js';
import { DataPaths } from '../pipeline/data-paths.js';
import type { ExportConfig, ExportDefinition } from '../template/model.js';
import type { ExportPlan } from '../validation/export-plan.js';
import type { DeliveryOptions } from './delivery-settings.js';
import {
  deliveryStepsOf,
  recordDelivered,
  recordDeliveryFailure,
  runDeliveries,
  type DeliveryOutcome,
} from './run-deliveries.js';

export interface DeliveryRetryResult {
  runId: number;
  exportName: string;
  files: string[];
  deliveries: DeliveryOutcome[];
}

interface RunRow {
  id: number | string;
  export_guid: string;
  status: string;
  rows: number | string;
  reference_now: Date | string | null;
  started_at: Date | string;
  template_path: string | null;
  files: unknown;
}

/**
 * `--retry-delivery <run id>`: the deliveries of a finished run, again, on the files it kept —
 * no query, no new file. The run must have finished with its files (succeeded, or failed in a
 * delivery); they must all still be there. Deliveries that already got through are skipped
 * (runDeliveries); when every delivery is through, the run is recorded as succeeded.
 */
export async function retryDeliveries(request: {
  knex: Knex;
  runId: number;
  dataDir: string;
  template?: string | ExportConfig;
  load: (template: string | ExportConfig) => Promise<ExportConfig>;
  planOf: (config: ExportConfig, definition: ExportDefinition) => Promise<{ plan: ExportPlan; name: string }>;
  delivery?: DeliveryOptions;
  logger: Logger;
  signal?: AbortSignal;
}): Promise<DeliveryRetryResult> {
  const { knex, runId } = request;
  const row = (await knex(EXPORT_RUNS).where({ id: runId }).first()) as RunRow | undefined;
  if (!row) throw new ExportkitError(`--retry-delivery: no run ${runId} in ${EXPORT_RUNS}`);
  const files = filesOf(row.files);
  if (row.status === 'running' || files === undefined)
    throw new ExportkitError(
      `--retry-delivery: run ${runId} is ${row.status === 'running' ? 'still running' : `${row.status} without files`}; ` +
        'only a run whose files are final (succeeded, or failed in a delivery) can be delivered again',
    );
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length)
    throw new ExportkitError(
      `--retry-delivery: run ${runId}'s files are no longer all there (missing: ${missing.join(', ')}); run the export again`,
    );
  const template = request.template ?? row.template_path ?? undefined;
  if (template === undefined)
    throw new ExportkitError(`--retry-delivery: run ${runId} recorded no template; name the template`);
  const config = await request.load(template);
  const definition = config.exports.find((d) => (d.guid ?? d.name) === row.export_guid) ?? undefined;
  if (!definition)
    throw new ExportkitError(
      `--retry-delivery: the template ${config.file} has no export "${row.export_guid}" (run ${runId}'s)`,
    );
  const { plan, name } = await request.planOf(config, definition);
  const steps = deliveryStepsOf(plan);
  const logger = request.logger.child({ runId, export: name });
  try {
    const { outcomes: deliveries, files: delivered } = await runDeliveries(
      knex,
      steps,
      {
        runId,
        exportGuid: definition.guid,
        exportName: name,
        provider: plan.provider.provider.metadata.name,
        now: new Date(row.reference_now ?? row.started_at),
        rows: Number(row.rows),
        files,
        paths: new DataPaths(request.dataDir),
        signal: request.signal,
        log: (message) => logger.info({}, message),
        warn: (message) => logger.warn({}, message),
      },
      request.delivery,
    );
    await recordDelivered(knex, runId);
    logger.info({ deliveries: deliveries.length }, 'deliveries retried');
    return { runId, exportName: name, files: [...delivered], deliveries };
  } catch (error) {
    await recordDeliveryFailure(knex, runId, (error as Error).message).catch(() => undefined);
    throw error;
  }
}

/** `export_runs.files`: jsonb (an array on PostgreSQL, or its text). */
function filesOf(value: unknown): string[] | undefined {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  return Array.isArray(parsed) && parsed.length > 0 ? parsed.map(String) : undefined;
}
