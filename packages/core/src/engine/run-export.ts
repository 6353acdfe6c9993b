import type { Knex } from 'knex';
import { mkdirSync } from 'node:fs';
import { rmdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { currentProcess } from './process-alive.js';
import type { ExportPlan, PlannedStep } from '../validation/export-plan.js';
import type { Registry } from '../registry/registry.js';
import type { OutputColumn } from '../contributions/writer.js';
import { composeQuery, type ComposedQuery } from '../query/composer.js';
import { limitQuery } from '../query/limit-query.js';
import { DEFAULT_BATCH_SIZE, streamQuery } from '../stream/cursor.js';
import { createFormatContext, formattingSettings } from '../format/create-format-context.js';
import { createRowFormatter } from '../format/row-formatter.js';
import { FileJournal, JOURNAL_FILE } from '../pipeline/file-journal.js';
import { DataPaths } from '../pipeline/data-paths.js';
import { isActionStep, type ActionSink, type PostProcessContext, type RunContext } from '../pipeline/run-context.js';
import { buildManifest, type Manifest } from '../pipeline/manifest.js';
import { RunRecord, type RunTemplate } from './run-record.js';
import { silentLogger, type Logger } from './logger.js';
import { acquireExportLock, type ExportLock } from './export-lock.js';
import { takeDeltaMark } from './delta-mark.js';
import { primaryWalPosition, waitForReplay } from './read-replica.js';
import { estimateRows } from './estimate-rows.js';
import { removeWorkFolder, WORK_FOLDER } from './work-folder.js';
import type { ProgressListener } from './progress.js';
import { ExportkitError } from '../errors/exportkit-error.js';
import { chooseCopyPath, type CopyPathMode } from './choose-row-path.js';
import { copyQueryTo } from '../stream/copy-query.js';
import { isDeliveryStep } from '../delivery/delivery-context.js';
import type { DeliveryOptions } from '../delivery/delivery-settings.js';
import {
  deliveryStepsOf,
  recordDeliveryFailure,
  runDeliveries,
  type DeliveryOutcome,
} from '../delivery/run-deliveries.js';

export interface ExportRunRequest {
  knex: Knex;
  registry: Registry;
  plan: ExportPlan;
  exportName: string;
  dataDir: string;
  outDir: string;
  now: Date;
  engineVersion: string;
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** Seconds spent reading and validating the template (the manifest's `parse` phase). */
  parseSeconds?: number;
  /** `auto`: PostgreSQL writes CSV/TSV itself through COPY when it can; `off`: always rows; default: defaultCopyPath(). */
  copyPath?: CopyPathMode;
  /** The template file and its hash, recorded in `export_runs`. */
  template?: RunTemplate;
  /** Where the run logs; every line carries `runId` and `export`. */
  logger?: Logger;
  /** A preview: the first `limit` rows only (the caller names the export as a preview). */
  limit?: number;
  /** Connections, keys and retry policy of the delivery steps (emailReport, callBackUrl, pgpEncryption, remoteResourceUploader). */
  delivery?: DeliveryOptions;
  /** A read replica of `knex` (checked by the caller) that runs the export's statement; `knex` keeps the run's state. */
  replica?: ReadReplica;
}

/** A standby that runs exports' statements (see docs/databases.md, "A read replica"). */
export interface ReadReplica {
  knex: Knex;
  /** How long a delta run waits for the replica to replay the primary's WAL up to its mark. */
  waitSeconds: number;
  /** How errors name it (the URL without its password). */
  where: string;
}

export interface ExportResult {
  guid?: string;
  name: string;
  rows: number;
  /** Final files of the run (packages, moved files, end files). */
  files: string[];
  manifest: Manifest;
  timings: Record<string, number>;
  /** The run's `export_runs` id. */
  runId: number;
  /** What each delivery step did (none without delivery steps). */
  deliveries: DeliveryOutcome[];
}

/**
 * One export, start to end: compose the query, stream it once through the row formatter into
 * every action's sink, then consolidators, post-processing and the default package. All files
 * are journaled so a failure anywhere leaves no final file; `export_runs` records the outcome.
 */
export async function runExport(request: ExportRunRequest): Promise<ExportResult> {
  const { knex, plan, now, onProgress, exportName } = request;
  /** Where the export's statement runs (its estimate and its PREPARE too): the replica, else the primary. */
  const reader = request.replica?.knex ?? knex;
  const guid = plan.definition.guid;
  const providerMeta = plan.provider.provider.metadata;
  const settings = formattingSettings(providerMeta.formatting ?? {}, plan.parameters);
  const paths = new DataPaths(request.dataDir);
  const workDir = join(paths.root, WORK_FOLDER, `${safeName(exportName)}-${randomBytes(4).toString('hex')}`);
  const timings: Record<string, number> =
    request.parseSeconds === undefined ? {} : { parse: round3(request.parseSeconds) };
  const completions: Array<() => Promise<void>> = [];
  const started = performance.now();
  let rows = 0;
  const record = await RunRecord.start(knex, guid ?? exportName, now, request.template);
  onProgress?.({ type: 'run-recorded', exportName, runId: record.id });
  const logger = (request.logger ?? silentLogger).child({ runId: record.id, export: exportName });
  logger.info({ guid, template: request.template?.path, now: now.toISOString() }, 'run started');
  let lock: ExportLock | undefined;
  // Replaced by the run's persistent journal once its work folder exists.
  let journal = new FileJournal();

  const context: PostProcessContext = {
    exportGuid: guid,
    exportName,
    provider: providerMeta.name,
    now,
    timeZone: settings.timeZone,
    dateFormats: { dateFormat: settings.dateFormat, dateTimeFormat: settings.dateTimeFormat },
    paths,
    workDir,
    get journal() {
      return journal;
    },
    files: [],
    signal: request.signal,
    timings,
    get rows() {
      return rows;
    },
    warn: (message) => {
      logger.warn({}, message);
      onProgress?.({ type: 'warning', message });
    },
    log: (message) => {
      logger.info({}, message);
      onProgress?.({ type: 'log', exportName, message });
    },
    manifest: () => buildManifest(context, plan, request.engineVersion),
    whenComplete: (work) => void completions.push(work),
  };
  const phase = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    try {
      return await work();
    } finally {
      timings[name] = round3((performance.now() - t) / 1000 + (timings[name] ?? 0));
    }
  };

  /** With a row limit (a preview), the first rows only. */
  const previewOf = (query: ComposedQuery): ComposedQuery =>
    request.limit === undefined ? query : limitQuery(query, request.limit);

  /** A total for the progress display, when someone listens: the planner's estimate (cheap: no execution). */
  const announceEstimate = async (query: { sql: string; bindings: readonly unknown[] }) => {
    if (!onProgress) return;
    const estimate = await estimateRows(reader, query);
    if (estimate !== undefined) onProgress({ type: 'estimate', exportName, rows: estimate });
  };

  /** The row path: fetch rows through the cursor, format them in JS, feed every action's sink. */
  const runRowPath = async (columns: OutputColumn[]) => {
    const query = previewOf(
      composeQuery(knex, {
        provider: plan.provider,
        columns: plan.columns,
        parameters: plan.parameters,
        timeZone: settings.timeZone,
        now,
        exportGuid: guid,
      }),
    );
    await announceEstimate(query);
    const format = createRowFormatter(
      plan.columns,
      query.slots,
      createFormatContext(settings, plan.parameters),
      settings,
    );
    const sinks: ActionSink[] = [];
    for (const action of plan.actions) {
      if (!isActionStep(action.step)) throw new ExportkitError(`${action.step.metadata.name} is not an action`);
      sinks.push(await action.step.open(context, action.options, columns));
    }

    onProgress?.({ type: 'phase', exportName, phase: 'query' });
    await phase('query+write', async () => {
      for await (const batch of streamQuery(reader, query, { batchSize: request.batchSize, signal: request.signal })) {
        for (const fetched of batch) {
          const row = format(fetched as Array<string | null>);
          for (const sink of sinks) {
            const pending = sink.write(row);
            if (pending) await pending;
          }
        }
        rows += batch.length;
        onProgress?.({ type: 'rows', exportName, rows, elapsedMs: performance.now() - started });
      }
    });
    await phase('write', async () => {
      for (const sink of sinks) context.files.push(...(await sink.finish()));
    });
  };

  const incremental = isIncremental(plan);
  let deltaMark: Date | null = null;
  let succeedSent = false;
  let manifest: Manifest | undefined;
  try {
    if (incremental) lock = await acquireExportLock(knex, guid ?? exportName);
    // Path guard for the folders the engine chooses itself: a symbolic link planted in the data
    // directory (`.exportkit-work`, `exports`) must not carry the run's files out of it.
    paths.guard(request.outDir, 'the output folder');
    paths.guard(workDir, 'the work folder');
    // The folder and its journal in one turn of the event loop: a folder without a journal is
    // taken for a live run's for an hour (recoverAbandonedRuns).
    mkdirSync(workDir, { recursive: true });
    paths.guard(workDir, 'the work folder');
    journal = FileJournal.persistent(join(workDir, JOURNAL_FILE), {
      ...currentProcess(),
      runId: record.id,
      exportGuid: guid ?? exportName,
      opened: new Date().toISOString(),
    });
    // A preview holds the first rows only: it must not move the delta mark.
    if (incremental && request.limit === undefined) {
      // Before the query's snapshot, under the lock: see takeDeltaMark.
      const taken = await takeDeltaMark(knex, guid ?? exportName);
      deltaMark = taken.mark;
      if (taken.hiddenSessions > 0) {
        context.warn(
          `${exportName}: ${taken.hiddenSessions} session(s) of the database are hidden from this role, so their open transactions ` +
            'cannot be seen; the delta mark stays where it was (rows may come again, none is lost). GRANT pg_read_all_stats to this role.',
        );
      }
    }
    if (incremental && request.replica) {
      // Every row stamped before the mark, and the previous run's mark the query reads back, was
      // committed on the primary before this position: the replica's snapshot must include it.
      const position = await primaryWalPosition(knex);
      const waitStarted = performance.now();
      await waitForReplay(request.replica.knex, position, {
        timeoutSeconds: request.replica.waitSeconds,
        where: request.replica.where,
        signal: request.signal,
      });
      logger.info(
        { position, waitedMs: Math.round(performance.now() - waitStarted) },
        'the read replica has replayed the primary up to the delta mark',
      );
    }
    const columns: OutputColumn[] = plan.columns.map(({ column, use }) => ({
      header: use.header,
      type: column.metadata.type,
    }));
    const copy = chooseCopyPath({
      knex: reader,
      plan,
      context,
      settings,
      columns,
      timeZone: settings.timeZone,
      now,
      exportGuid: guid,
      mode: request.copyPath,
    });
    if (copy) {
      // The COPY path: PostgreSQL formats and writes the CSV; Node only adds CRLF and counts records.
      copy.query = previewOf(copy.query);
      await announceEstimate(copy.query);
      const target = await copy.action.step.openCopyTarget!(context, copy.action.options, columns);
      onProgress?.({ type: 'phase', exportName, phase: 'query' });
      await phase('query+write', async () => {
        try {
          rows = await copyQueryTo(reader, copy.query.native, target.output, {
            delimiter: copy.format.delimiter,
            singleColumn: columns.length === 1,
            progressEvery: request.batchSize ?? DEFAULT_BATCH_SIZE,
            signal: request.signal,
            // As in the cursor path, `rows` counts the rows of whole batches handed to the file.
            onRecords: (records) => {
              rows = records;
              onProgress?.({ type: 'rows', exportName, rows, elapsedMs: performance.now() - started });
            },
          });
        } catch (error) {
          target.output.destroy();
          throw error;
        }
      });
      await phase('write', async () => {
        context.files.push(...(await target.finish(rows)));
      });
    } else {
      await runRowPath(columns);
    }

    request.signal?.throwIfAborted();
    onProgress?.({ type: 'phase', exportName, phase: 'consolidate' });
    await phase('consolidate', () => runSteps(plan.consolidators, context));
    await phase('postProcess', () => runSteps(plan.postProcess, context));
    const packaged = plan.postProcess.some((p) => p.step.metadata.packages);
    manifest = await buildManifest(context, plan, request.engineVersion);
    if (!packaged) {
      const defaultPackage = request.registry.stepsOf('package')[0];
      if (defaultPackage) {
        request.signal?.throwIfAborted();
        onProgress?.({ type: 'phase', exportName, phase: 'package' });
        await phase('package', () => defaultPackage.run({ context, manifest: manifest!, outDir: request.outDir }, {}));
        manifest = { ...manifest!, timings: { ...timings } };
      }
    }
    // Work that must come last (generateEndFile's marker), still inside the all-or-nothing run.
    for (const work of completions) {
      request.signal?.throwIfAborted();
      await work();
    }
    request.signal?.throwIfAborted();
    await lock?.confirm();
    // The commit point: from here on the run has succeeded, whatever happens to the cleanup.
    // An interrupt can no longer undo it; if the reply is lost, the row decides (below).
    journal.detachFromInterrupts();
    succeedSent = true;
    await record.succeed(rows, deltaMark, journal.createdFiles());
  } catch (thrown) {
    const error = reasonOfAbort(thrown, request.signal);
    // Before the success was sent the run has failed; after, only the row can tell.
    const outcome = await record.fail(error, rows);
    if (!(succeedSent && outcome === 'succeeded'))
      logger.error({ rows, outcome, error: (error as Error).message }, 'run failed');
    if (succeedSent && outcome === 'succeeded') {
      context.warn(
        `${exportName}: the database's reply to the success was lost, but the success was recorded; the run stands`,
      );
    } else if (succeedSent && outcome === 'unknown') {
      journal.leaveForRecovery();
      await lock?.release();
      throw new ExportkitError(
        `${exportName}: whether the run's success was recorded is unknown (${(error as Error).message}); ` +
          'its files stay until the next run, which keeps or removes them as export_runs says',
        { cause: error },
      );
    } else {
      const problems = await journal.rollback();
      for (const problem of problems) context.warn(`rollback: ${problem} (the next run tries again)`);
      await cleanUp(problems.length > 0);
      throw error;
    }
  }
  let files = journal.createdFiles();
  await cleanUp();
  // Deliveries come once the files are final and committed: a failure fails the run but keeps
  // its files, to be delivered again (`--retry-delivery`) without querying anew.
  let deliveries: DeliveryOutcome[] = [];
  const deliverySteps = deliveryStepsOf(plan);
  if (deliverySteps.length > 0 && request.limit === undefined) {
    onProgress?.({ type: 'phase', exportName, phase: 'deliver' });
    try {
      const delivered = await phase('deliver', () =>
        runDeliveries(
          knex,
          deliverySteps,
          {
            runId: record.id,
            exportGuid: guid,
            exportName,
            provider: providerMeta.name,
            now,
            rows,
            files,
            paths,
            signal: request.signal,
            log: context.log,
            warn: context.warn,
          },
          request.delivery,
        ),
      );
      deliveries = delivered.outcomes;
      files = [...delivered.files];
    } catch (error) {
      const message = (error as Error).message;
      await recordDeliveryFailure(knex, record.id, message).catch(() => undefined);
      logger.error({ rows, files, error: message }, 'run failed: delivery');
      throw error;
    }
  }
  logger.info({ rows, files, seconds: round3((performance.now() - started) / 1000) }, 'run succeeded');
  onProgress?.({ type: 'export-finished', exportName, rows, files, elapsedMs: performance.now() - started });
  return { guid, name: exportName, rows, files, manifest: manifest!, timings, runId: record.id, deliveries };

  /** After the outcome is recorded: nothing here may fail the run or undo its files. */
  async function cleanUp(keepJournal = false): Promise<void> {
    await lock?.release();
    await journal.discardTemporary().catch((error: unknown) => context.warn(`cleanup: ${(error as Error).message}`));
    if (keepJournal) return; // an undo left work for the next run's recovery, which needs the journal
    await removeWorkFolder(workDir).catch(() => undefined);
    await rmdir(dirname(workDir)).catch(() => undefined); // only when no other run is using it
  }
}

/** A parameter marked `incremental` (delta mode) is on. */
function isIncremental(plan: ExportPlan): boolean {
  return plan.provider.parameters
    .values()
    .some((p) => p.metadata.incremental && plan.parameters.get(p.metadata.name) === true);
}

/** Runs the file steps of a phase; delivery steps wait until the files are final (runDeliveries). */
async function runSteps(steps: readonly PlannedStep[], context: RunContext): Promise<void> {
  for (const { step, options } of steps) {
    if (isDeliveryStep(step)) continue;
    context.signal?.throwIfAborted();
    await step.run(context, options);
  }
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_');
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/**
 * What a run failed of: a stream aborted by the run's signal throws a generic AbortError ("The
 * operation was aborted"); when the host aborted with a reason of its own (a cancel, a time limit,
 * a lost liveness lock), that reason is what export_runs and the caller are told.
 */
function reasonOfAbort(thrown: unknown, signal: AbortSignal | undefined): unknown {
  const reason: unknown = signal?.aborted ? signal.reason : undefined;
  const isAbort = (value: unknown) => value instanceof Error && value.name === 'AbortError';
  return isAbort(thrown) && reason instanceof Error && !isAbort(reason) ? reason : thrown;
}
