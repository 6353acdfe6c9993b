import { Command, Option } from 'commander';
import { FileJournal, type RunResult } from '@exportkit/core';
import { createEngine } from '../create-engine.js';
import { EXIT_INTERRUPTED } from '../errors.js';
import {
  databaseTarget,
  replicaTarget,
  replicaUrlOption,
  replicaWaitOption,
  parseInstant,
  parsePositiveInt,
  collectPlugin,
  PLUGIN_OPTION,
} from '../options.js';
import { createProgressReporter } from '../progress-reporter.js';
import { cliLogger, type LogFormat } from '../cli-logger.js';

export interface RunFlags {
  db?: string;
  replicaUrl?: string;
  replicaWait: number;
  out?: string;
  dataDir?: string;
  now?: Date;
  plugin?: string[];
  dryRun?: boolean;
  logFormat?: LogFormat;
  limit?: number;
  retryDelivery?: number;
}

export function runCommand(): Command {
  return new Command('run')
    .description('Run every export of a template and print the files it wrote')
    .argument('<template>', 'template file (.xml, .yaml or .yml)')
    .option(
      '--db <url>',
      'database: postgres://…, file:PATH (PGlite) or memory: (default: $DATABASE_URL, else .exportkit/pglite)',
    )
    .addOption(replicaUrlOption())
    .addOption(replicaWaitOption())
    .option('--out <dir>', 'folder for the default packages (default: <data-dir>/exports)')
    .option('--data-dir <dir>', 'root of every path in the template', 'data')
    .addOption(
      new Option('--now <iso>', "the run's reference instant (ISO-8601), for reproducible runs").argParser(
        parseInstant,
      ),
    )
    .option(...PLUGIN_OPTION, collectPlugin)
    .addOption(
      new Option(
        '--log-format <format>',
        'logs on stderr: text for people, json (one object per line, with runId) for machines',
      )
        .choices(['text', 'json'])
        .default('text'),
    )
    .addOption(
      new Option(
        '--limit <n>',
        'a preview: the first N rows of each export, written as <name>-preview; moves no delta mark',
      ).argParser(parsePositiveInt),
    )
    .option('--dry-run', 'validate with the database, compose and PREPARE every statement; write and record nothing')
    .addOption(
      new Option(
        '--retry-delivery <run id>',
        "deliver again the kept files of that run (its template's emailReport, callBackUrl, pgpEncryption, remoteResourceUploader not yet through); no query",
      ).argParser(parsePositiveInt),
    )
    .action(async (template: string, flags: RunFlags) => {
      if (flags.retryDelivery !== undefined) {
        const engine = engineFor(flags, databaseTarget(flags.db));
        try {
          const result = await engine.retryDelivery(flags.retryDelivery, template);
          for (const file of result.files) process.stdout.write(`${file}\n`);
          for (const delivery of result.deliveries)
            process.stdout.write(`${delivery.step}: ${delivery.target}: ${delivery.status}\n`);
        } finally {
          await engine.close();
        }
        return;
      }
      if (flags.dryRun) {
        const engine = engineFor(flags, databaseTarget(flags.db));
        try {
          for (const statement of await engine.dryRun(template)) {
            process.stdout.write(
              `${statement.name}: valid; its statement prepares (${statement.bindings.length} bindings; see exportkit sql); nothing written\n`,
            );
          }
        } finally {
          await engine.close();
        }
        return;
      }
      const result = await runTemplate(template, flags, databaseTarget(flags.db));
      for (const exp of result.exports) {
        for (const file of exp.files) process.stdout.write(`${file}\n`);
        process.stdout.write(`${exp.name}: ${exp.rows} rows\n`);
      }
    });
}

/**
 * Runs a template with a progress display. The first SIGINT/SIGTERM aborts the run, which stops
 * at once in whatever phase it is and rolls back (nothing kept); a second one rolls the files
 * back synchronously and exits at once, leaving the `export_runs` row to the next run (which
 * closes it as abandoned).
 */
export async function runTemplate(template: string, flags: RunFlags, db: string | undefined): Promise<RunResult> {
  const engine = engineFor(flags, db);
  const controller = new AbortController();
  const interrupt = () => {
    if (!controller.signal.aborted) {
      process.stderr.write('\nexportkit: interrupted; rolling back this run (interrupt again to stop at once)\n');
      controller.abort();
      return;
    }
    FileJournal.undoAllNow();
    process.stderr.write(
      "exportkit: interrupted twice; this run's files were rolled back, the next run records it as abandoned\n",
    );
    process.exit(EXIT_INTERRUPTED);
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  const progress = createProgressReporter();
  try {
    return await engine.run(template, { signal: controller.signal, onProgress: progress.listener, limit: flags.limit });
  } finally {
    progress.stop();
    await engine.close();
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
}

/** The engine a `run` uses, from its flags (a dry run too). */
function engineFor(flags: RunFlags, db: string | undefined) {
  return createEngine({
    databaseUrl: db,
    replicaUrl: replicaTarget(flags.replicaUrl),
    replicaWaitSeconds: flags.replicaWait,
    dataDir: flags.dataDir,
    outDir: flags.out,
    now: flags.now,
    plugins: flags.plugin,
    logger: cliLogger(flags.logFormat),
  });
}
