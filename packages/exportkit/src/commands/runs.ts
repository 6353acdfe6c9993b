import { Command, Option } from 'commander';
import { connect } from '@exportkit/db';
import { ensureEngineState, listRuns, type PastRun } from '@exportkit/core';
import { databaseTarget, parsePositiveInt } from '../options.js';

/** `exportkit runs`: past runs from exportkit.export_runs, newest first, as a table or JSON. */
export function runsCommand(): Command {
  return new Command('runs')
    .description(
      'List past runs from exportkit.export_runs, newest first (template, times, rows, files, error, host and pid)',
    )
    .option('--db <url>', 'database (default: $DATABASE_URL, else .exportkit/pglite)')
    .option('--export <guid>', 'only the runs of this export guid (or name, for exports without a guid)')
    .addOption(
      new Option('--status <status>', 'only runs with this outcome').choices(['running', 'succeeded', 'failed']),
    )
    .addOption(new Option('--limit <n>', 'how many runs').argParser(parsePositiveInt).default(20))
    .option('--json', 'one JSON array, every field')
    .action(
      async (flags: { db?: string; export?: string; status?: PastRun['status']; limit: number; json?: boolean }) => {
        const database = await connect(databaseTarget(flags.db));
        try {
          await ensureEngineState(database.knex);
          const runs = await listRuns(database.knex, {
            exportGuid: flags.export,
            status: flags.status,
            limit: flags.limit,
          });
          if (flags.json) {
            process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
            return;
          }
          if (runs.length === 0) {
            process.stdout.write('no runs recorded\n');
            return;
          }
          for (const run of runs) process.stdout.write(`${describeRun(run)}\n`);
        } finally {
          await database.close();
        }
      },
    );
}

function describeRun(run: PastRun): string {
  const duration = run.seconds === null ? 'running' : `${run.seconds} s`;
  const head = `#${run.id} ${run.exportGuid} ${run.status} — started ${run.startedAt.toISOString()}, ${duration}, ${run.rows.toLocaleString('en-US')} rows`;
  const lines = [head];
  if (run.templatePath)
    lines.push(
      `    template ${run.templatePath}${run.templateSha256 ? ` (sha256 ${run.templateSha256.slice(0, 12)})` : ''}`,
    );
  if (run.referenceNow && run.referenceNow.getTime() !== run.startedAt.getTime())
    lines.push(`    now ${run.referenceNow.toISOString()}`);
  for (const file of run.files) lines.push(`    ${file}`);
  if (run.error) lines.push(`    error: ${run.error}`);
  if (run.host) lines.push(`    on ${run.host}, pid ${run.pid ?? '?'}`);
  return lines.join('\n');
}
