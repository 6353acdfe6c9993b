import { InvalidArgumentError, Option, type Command } from 'commander';
import { parseIsoDay, parseIsoInstant } from '@exportkit/core';
import type { LogFormat } from './cli-logger.js';

/** `--db` wins, then DATABASE_URL, then the embedded PGlite database. */
export function databaseTarget(db: string | undefined): string | undefined {
  return db ?? process.env['DATABASE_URL'] ?? undefined;
}

/** `--replica-url` wins, then EXPORTKIT_REPLICA_URL; none: the exports read from the database itself. */
export function replicaTarget(replicaUrl: string | undefined): string | undefined {
  return replicaUrl ?? (process.env['EXPORTKIT_REPLICA_URL'] || undefined);
}

/** `--replica-url`, shared by run, worker and serve (docs/databases.md, "A read replica"). */
export function replicaUrlOption(): Option {
  return new Option(
    '--replica-url <url>',
    "a streaming replica (postgres://…) that runs the exports' queries; state, locks and the queue stay on --db (default: $EXPORTKIT_REPLICA_URL)",
  );
}

/** `--replica-wait`: how long a delta run waits for the replica (see replicaUrlOption). */
export function replicaWaitOption(): Option {
  return new Option(
    '--replica-wait <seconds>',
    'with a replica: how long a delta run waits for it to replay the primary up to the delta mark',
  )
    .argParser(parsePositiveInt)
    .default(30);
}

/** `--now`: a strict ISO-8601 instant of a real calendar day (docs: README, "Reference instant"). */
export function parseInstant(value: string): Date {
  const parsed = parseIsoInstant(value);
  if (!parsed.ok) throw new InvalidArgumentError(parsed.message);
  return parsed.value;
}

export function parsePositiveInt(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expects a whole number');
  return Number(value);
}

export function parseDay(value: string): string {
  const parsed = parseIsoDay(value);
  if (!parsed.ok) throw new InvalidArgumentError(parsed.message);
  return parsed.value;
}

/**
 * `--plugin P`, given once per plugin (`--plugin a --plugin b`): repeatable rather than
 * variadic, so that it never swallows the template argument that follows it.
 */
export const PLUGIN_OPTION = ['--plugin <specifier>', 'an extra plugin package or path (repeat for several)'] as const;

/** Where `serve` and `worker` find templates by name: the folder (`--templates`) or the database, versioned. */
export type TemplateStore = 'folder' | 'db';

export function templateStoreOption(): Option {
  return new Option(
    '--template-store <where>',
    'where templates are found by name: folder (the --templates folder) or db (stored in the database through the API, versioned)',
  )
    .choices(['folder', 'db'])
    .default('folder');
}

export function collectPlugin(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** The options `serve` and `worker` share: where templates and files are, and how their runs are bounded. */
export interface QueuedRunFlags {
  replicaUrl?: string;
  replicaWait: number;
  templates: string;
  templateStore: TemplateStore;
  dataDir: string;
  out?: string;
  plugin?: string[];
  logFormat: LogFormat;
  runTimeout: number;
  shutdownTimeout: number;
}

/**
 * Adds the options of a process that runs queued exports (`serve`, `worker`; docs/service.md), so
 * that both read them alike: the read replica, the templates by name, the data folder, plugins,
 * the log format, a run's time limit and the grace given to running exports on SIGTERM.
 */
export function addQueuedRunOptions(command: Command): Command {
  return command
    .addOption(replicaUrlOption())
    .addOption(replicaWaitOption())
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
        '--run-timeout <seconds>',
        "a run's time limit (runs queued here and, for a worker, the firings of schedules it relays): a run still going then is aborted and tried again (a dead worker's run is tried again sooner: its liveness lock is free)",
      )
        .argParser(parsePositiveInt)
        .default(3600),
    )
    .addOption(
      new Option(
        '--shutdown-timeout <seconds>',
        'on SIGTERM, how long running exports may go on before they are aborted',
      )
        .argParser(parsePositiveInt)
        .default(30),
    );
}
