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

interface ServeFlags {
  port: number;
  host: string;
  db?: string;
  replicaUrl?: string;
  replicaWait: number;
  templates: string;
  templateStore: TemplateStore;
  dataDir: string;
  out?: string;
  workers: number;
  plugin?: string[];
  logFormat: LogFormat;
  shutdownTimeout: number;
  runTimeout: number;
}

/**
 * `exportkit serve`: the HTTP API, and workers in the same process. On PostgreSQL the runs go
 * through the pg-boss queue (more workers: `exportkit worker` anywhere); on the embedded PGlite
 * through an in-process queue (PGlite cannot host pg-boss). SIGTERM: stops taking requests and
 * runs, lets running exports finish within the shutdown timeout, then aborts them (rolled back).
 */
export function serveCommand(): Command {
  return new Command('serve')
    .description('Serve the HTTP API (templates, runs, files, catalogue) and run exports')
    .addOption(new Option('--port <n>', 'TCP port').argParser(parseIntOrZero).default(8080))
    .option('--host <address>', 'the address to listen on', '127.0.0.1')
    .option(
      '--db <url>',
      'database: postgres://… (queue on pg-boss) or PGlite (default: $DATABASE_URL, else .exportkit/pglite)',
    )
    .addOption(replicaUrlOption())
    .addOption(replicaWaitOption())
    .option('--templates <dir>', 'the folder of the templates, by name (<name>.xml, .yaml or .yml)', 'configs')
    .addOption(templateStoreOption())
    .option('--data-dir <dir>', 'root of every path in the templates', 'data')
    .option('--out <dir>', 'folder for the default packages (default: <data-dir>/exports)')
    .addOption(
      new Option('--workers <n>', 'runs at a time in this process (0 on PostgreSQL: API only, workers elsewhere)')
        .argParser(parseIntOrZero)
        .default(1),
    )
    .option(...PLUGIN_OPTION, collectPlugin)
    .addOption(new Option('--log-format <format>', 'logs on stderr').choices(['text', 'json']).default('text'))
    .addOption(
      new Option(
        '--run-timeout <seconds>',
        "a run's time limit (runs queued here and, for a worker, the firings of schedules it relays): a run still going then is aborted and tried again (a dead worker's run is tried again sooner: its liveness lock is free)",
      )
        .argParser(parsePositiveInt)
        .default(3600),
    )
    .addOption(
      new Option('--shutdown-timeout <seconds>', 'on SIGTERM, how long running exports may go on before being aborted')
        .argParser(parsePositiveInt)
        .default(30),
    )
    .action(async (flags: ServeFlags) => {
      const target = databaseTarget(flags.db);
      const onServer = target !== undefined && /^postgres(ql)?:\/\//.test(target);
      if (!onServer && flags.workers === 0)
        throw new UsageError('--workers 0 needs PostgreSQL: on the embedded database this process is the only worker');
      // Loaded here: a host that only embeds the engine never loads fastify or pg-boss.
      const server = await import('@exportkit/server');
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
      const queue = onServer
        ? new server.PgBossRunQueue({
            connectionString: target,
            followProgress: true,
            runTimeoutSeconds: flags.runTimeout,
          })
        : new server.InProcessRunQueue({ runTimeoutSeconds: flags.runTimeout });
      const templates =
        flags.templateStore === 'db'
          ? new server.TemplateVersions(await engine.database())
          : new server.TemplateFolder(flags.templates);
      const tokens = new server.ApiTokens(await engine.database());
      if ((await tokens.count()) === 0) {
        const initial = await tokens.create('initial', 'admin');
        process.stderr.write(`exportkit serve: no API token existed; admin token "initial" (shown once): ${initial}\n`);
      }
      if (queue instanceof server.PgBossRunQueue)
        logTemplateSchedules(logger, 'serve', await server.syncTemplateSchedules(queue, templates));
      if (flags.workers > 0)
        await queue.work(server.runWorker(engine, templates, queue), { concurrency: flags.workers });
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
