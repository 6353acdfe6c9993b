import { Command, Option } from 'commander';
import { addQueuedRunOptions, databaseTarget, parsePositiveInt, type QueuedRunFlags } from '../options.js';
import { queuedRunEngine, queuedRunTemplates } from '../queued-run-setup.js';
import { stopSignals } from '../stop-signals.js';
import { UsageError } from '../usage-error.js';
import { logTemplateSchedules } from './template-schedules-log.js';

interface WorkerFlags extends QueuedRunFlags {
  db?: string;
  concurrency: number;
  superviseInterval: number;
}

/**
 * `exportkit worker`: takes runs from the queue on PostgreSQL (pg-boss) and runs them with the
 * engine, `--concurrency` at a time; any number of workers on any number of machines share the
 * queue. SIGTERM/SIGINT: takes no more runs, lets the running ones finish within the shutdown
 * timeout, then aborts them (rolled back; the queue tries them again); a second signal rolls the
 * files back and exits at once.
 */
export function workerCommand(): Command {
  const command = new Command('worker')
    .description('Take runs from the queue on PostgreSQL and run them (any number of workers share the queue)')
    .option('--db <url>', 'the PostgreSQL server of the queue and the engine state (default: $DATABASE_URL)')
    .addOption(new Option('--concurrency <n>', 'runs at a time in this process').argParser(parsePositiveInt).default(1))
    .addOption(
      new Option(
        '--supervise-interval <seconds>',
        'how often this worker looks for runs whose worker died (their liveness lock is free) or whose time is up, to try them again',
      )
        .argParser(parsePositiveInt)
        .default(15),
    );
  return addQueuedRunOptions(command).action(async (flags: WorkerFlags) => {
    const target = databaseTarget(flags.db);
    if (!target || !/^postgres(ql)?:\/\//.test(target)) {
      throw new UsageError(
        `exportkit worker needs a PostgreSQL server (--db postgres://… or DATABASE_URL; got ${target ?? 'the embedded database'}): ` +
          'its queue is pg-boss, which the embedded PGlite cannot host (one process, one connection); ' +
          "with PGlite, runs go through one process's in-process queue",
      );
    }
    // Loaded here, not at the top: a host that only embeds the engine never loads pg-boss.
    const server = await import('@exportkit/server');
    const { PgBossRunQueue, runWorker, syncTemplateSchedules } = server;
    const { logger, engine } = queuedRunEngine(flags, target);
    const queue = new PgBossRunQueue({
      connectionString: target,
      superviseIntervalSeconds: flags.superviseInterval,
      runTimeoutSeconds: flags.runTimeout,
    });
    queue.onError((error) => logger.error({}, `queue: ${error.message}`));
    const templates = await queuedRunTemplates(server, flags, engine);
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
