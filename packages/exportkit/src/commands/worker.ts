import { Command, Option } from 'commander';
import { createEngine } from '../create-engine.js';
import {
  collectPlugin,
  databaseTarget,
  replicaTarget,
  replicaUrlOption,
  replicaWaitOption,
  parsePositiveInt,
  PLUGIN_OPTION,
  templateStoreOption,
  type TemplateStore,
} from '../options.js';
import { stopSignals } from '../stop-signals.js';
import { cliLogger, type LogFormat } from '../cli-logger.js';
import { UsageError } from '../usage-error.js';
import { logTemplateSchedules } from './template-schedules-log.js';

interface WorkerFlags {
  db?: string;
  replicaUrl?: string;
  replicaWait: number;
  concurrency: number;
  templates: string;
  templateStore: TemplateStore;
  dataDir: string;
  out?: string;
  plugin?: string[];
  logFormat: LogFormat;
  superviseInterval: number;
  shutdownTimeout: number;
  runTimeout: number;
}

/**
 * `exportkit worker`: takes runs from the queue on PostgreSQL (pg-boss) and runs them with the
 * engine, `--concurrency` at a time; any number of workers on any number of machines share the
 * queue. SIGTERM/SIGINT: takes no more runs, lets the running ones finish within the shutdown
 * timeout, then aborts them (rolled back; the queue tries them again); a second signal rolls the
 * files back and exits at once.
 */
export function workerCommand(): Command {
  return new Command('worker')
    .description('Take runs from the queue on PostgreSQL and run them (any number of workers share the queue)')
    .option('--db <url>', 'the PostgreSQL server of the queue and the engine state (default: $DATABASE_URL)')
    .addOption(replicaUrlOption())
    .addOption(replicaWaitOption())
    .addOption(new Option('--concurrency <n>', 'runs at a time in this process').argParser(parsePositiveInt).default(1))
    .option('--templates <dir>', 'the folder of the templates, run by name (<name>.xml, .yaml or .yml)', 'configs')
    .addOption(templateStoreOption())
    .option('--data-dir <dir>', 'root of every path in the templates', 'data')
    .option('--out <dir>', 'folder for the default packages (default: <data-dir>/exports)')
    .option(...PLUGIN_OPTION, collectPlugin)
    .addOption(
      new Option('--log-format <format>', 'logs on stderr: text for people, json for machines')
        .choices(['text', 'json'])
        .default('text'),
    )
    .addOption(
      new Option(
        '--supervise-interval <seconds>',
        'how often this worker looks for runs whose worker died (their liveness lock is free) or whose time is up, to try them again',
      )
        .argParser(parsePositiveInt)
        .default(15),
    )
    .addOption(
      new Option(
        '--run-timeout <seconds>',
        "a run's time limit (runs queued here and, for a worker, the firings of schedules it relays): a run still going then is aborted and tried again (a dead worker's run is tried again sooner: its liveness lock is free)",
      )
        .argParser(parsePositiveInt)
        .default(3600),
    )
    .addOption(
      new Option(
        '--shutdown-timeout <seconds>',
        'on SIGTERM, how long running exports may go on before they are aborted (and tried again elsewhere)',
      )
        .argParser(parsePositiveInt)
        .default(30),
    )
    .action(async (flags: WorkerFlags) => {
      const target = databaseTarget(flags.db);
      if (!target || !/^postgres(ql)?:\/\//.test(target)) {
        throw new UsageError(
          `exportkit worker needs a PostgreSQL server (--db postgres://… or DATABASE_URL; got ${target ?? 'the embedded database'}): ` +
            'its queue is pg-boss, which the embedded PGlite cannot host (one process, one connection); ' +
            "with PGlite, runs go through one process's in-process queue",
        );
      }
      // Loaded here, not at the top: a host that only embeds the engine never loads pg-boss.
      const { PgBossRunQueue, TemplateFolder, TemplateVersions, runWorker, syncTemplateSchedules } =
        await import('@exportkit/server');
      const logger = cliLogger(flags.logFormat);
      const engine = createEngine({
        databaseUrl: target,
        replicaUrl: replicaTarget(flags.replicaUrl),
        replicaWaitSeconds: flags.replicaWait,
        dataDir: flags.dataDir,
        outDir: flags.out,
        plugins: flags.plugin,
        logger,
      });
      const queue = new PgBossRunQueue({
        connectionString: target,
        superviseIntervalSeconds: flags.superviseInterval,
        runTimeoutSeconds: flags.runTimeout,
      });
      queue.onError((error) => logger.error({}, `queue: ${error.message}`));
      const templates =
        flags.templateStore === 'db'
          ? new TemplateVersions(await engine.database())
          : new TemplateFolder(flags.templates);
      const handler = runWorker(engine, templates, queue);
      const stopped = stopSignals(logger, 'worker', flags.shutdownTimeout);
      try {
        logTemplateSchedules(logger, 'worker', await syncTemplateSchedules(queue, templates));
        await queue.work(
          async (attempt) => {
            logger.info({ job: attempt.id }, `worker: run ${attempt.id} of ${attempt.request.template} started`);
            try {
              const outcome = await handler(attempt);
              logger.info({ job: attempt.id }, `worker: run ${attempt.id} succeeded`);
              return outcome;
            } catch (error) {
              logger.warn({ job: attempt.id }, `worker: run ${attempt.id} failed: ${(error as Error).message}`);
              throw error;
            }
          },
          { concurrency: flags.concurrency },
        );
        logger.info({}, `worker: taking runs (${flags.concurrency} at a time, pid ${process.pid})`);
        await stopped;
      } finally {
        await queue.close({ timeoutMs: flags.shutdownTimeout * 1000 });
        await engine.close();
      }
    });
}
