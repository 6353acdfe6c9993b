import { Command, Option } from 'commander';
import { addQueuedRunOptions, databaseTarget, parsePositiveInt, type QueuedRunFlags } from '../options.js';
import { queuedRunEngine, queuedRunTemplates } from '../queued-run-setup.js';
import { stopSignals } from '../stop-signals.js';
import { UsageError } from '../usage-error.js';
import { logTemplateSchedules } from './template-schedules-log.js';

interface ServeFlags extends QueuedRunFlags {
  port: number;
  host: string;
  db?: string;
  workers: number;
}

/**
 * `exportkit serve`: the HTTP API, and workers in the same process. On PostgreSQL the runs go
 * through the pg-boss queue (more workers: `exportkit worker` anywhere); on the embedded PGlite
 * through an in-process queue (PGlite cannot host pg-boss). SIGTERM: stops taking requests and
 * runs, lets running exports finish within the shutdown timeout, then aborts them (rolled back).
 */
export function serveCommand(): Command {
  const command = new Command('serve')
    .description('Serve the HTTP API (templates, runs, files, catalogue) and run exports')
    .addOption(new Option('--port <n>', 'TCP port').argParser(parseIntOrZero).default(8080))
    .option('--host <address>', 'the address to listen on', '127.0.0.1')
    .option(
      '--db <url>',
      'database: postgres://… (queue on pg-boss) or PGlite (default: $DATABASE_URL, else .exportkit/pglite)',
    )
    .addOption(
      new Option('--workers <n>', 'runs at a time in this process (0 on PostgreSQL: API only, workers elsewhere)')
        .argParser(parseIntOrZero)
        .default(1),
    );
  return addQueuedRunOptions(command).action(async (flags: ServeFlags) => {
    const target = databaseTarget(flags.db);
    const onServer = target !== undefined && /^postgres(ql)?:\/\//.test(target);
    if (!onServer && flags.workers === 0)
      throw new UsageError('--workers 0 needs PostgreSQL: on the embedded database this process is the only worker');
    // Loaded here: a host that only embeds the engine never loads fastify or pg-boss.
    const server = await import('@exportkit/server');
    const { logger, engine } = queuedRunEngine(flags, target);
    const queue = onServer
      ? new server.PgBossRunQueue({
          connectionString: target,
          followProgress: true,
          runTimeoutSeconds: flags.runTimeout,
        })
      : new server.InProcessRunQueue({ runTimeoutSeconds: flags.runTimeout });
    const templates = await queuedRunTemplates(server, flags, engine);
    const tokens = new server.ApiTokens(await engine.database());
    if ((await tokens.count()) === 0) {
      const initial = await tokens.create('initial', 'admin');
      process.stderr.write(`exportkit serve: no API token existed; admin token "initial" (shown once): ${initial}\n`);
    }
    if (queue instanceof server.PgBossRunQueue)
      logTemplateSchedules(logger, 'serve', await server.syncTemplateSchedules(queue, templates));
    if (flags.workers > 0) await queue.work(server.runWorker(engine, templates, queue), { concurrency: flags.workers });
    const app = await server.buildHttpApi({
      engine,
      queue,
      templates,
      tokens,
      dataDir: flags.dataDir,
      schedules: queue instanceof server.PgBossRunQueue ? queue : undefined,
    });
    const stopped = stopSignals(logger, 'serve', flags.shutdownTimeout);
    try {
      const address = await app.listen({ port: flags.port, host: flags.host });
      process.stderr.write(
        `exportkit serve: listening on ${address} (${onServer ? 'pg-boss queue' : 'in-process queue'})\n`,
      );
      await stopped;
    } finally {
      await app.close();
      await queue.close({ timeoutMs: flags.shutdownTimeout * 1000 });
      await engine.close();
    }
  });
}

function parseIntOrZero(value: string): number {
  return value === '0' ? 0 : parsePositiveInt(value);
}
