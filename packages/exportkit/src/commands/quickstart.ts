import { Command, Option } from 'commander';
import { resolve } from 'node:path';
import { connect, describeTarget, migrate } from '@exportkit/db';
import { seed } from '@exportkit/synthetic-data';
import { createEngine } from '../create-engine.js';
import { parseInstant } from '../options.js';
import { createProgressReporter } from '../progress-reporter.js';
import { cliLogger } from '../cli-logger.js';
import { seedProgress } from '../seed-progress.js';
import { formatSeedSummary } from '../seed-summary.js';

export const QUICKSTART_TEMPLATE = 'configs/consolidated-tracking.xml';
export const QUICKSTART_LEARNERS = 2000;

/**
 * What `npm start` runs: on the embedded database (created, migrated and seeded with 2,000
 * learners on first use), run the demo template and print the package and its row count.
 */
export function quickstartCommand(): Command {
  return new Command('quickstart')
    .description(`Prepare the embedded demo database on first use and run ${QUICKSTART_TEMPLATE}`)
    .option('--db <url>', 'database (default: the embedded PGlite in .exportkit/pglite; DATABASE_URL is not used here)')
    .option('--template <file>', 'template to run', QUICKSTART_TEMPLATE)
    .option('--data-dir <dir>', 'root of every path in the template', 'data')
    .option('--out <dir>', 'folder for the package (default: <data-dir>/exports)')
    .addOption(new Option('--now <iso>', "the run's reference instant").argParser(parseInstant))
    .action(async (flags: { db?: string; template: string; dataDir: string; out?: string; now?: Date }) => {
      const database = await connect(flags.db);
      const progress = createProgressReporter();
      try {
        await migrate(database.knex);
        const [{ count }] = (await database.knex('learners').count({ count: '*' })) as Array<{
          count: string | number;
        }>;
        if (Number(count) === 0) {
          process.stderr.write(
            `first run: seeding ${describeTarget(database.target)} with ${QUICKSTART_LEARNERS} learners\n`,
          );
          const seeding = seedProgress();
          const summary = await seed(database.knex, {
            learners: QUICKSTART_LEARNERS,
            seed: 1,
            onProgress: seeding.listener,
          } as Parameters<typeof seed>[1]);
          seeding.stop();
          process.stderr.write(formatSeedSummary(describeTarget(database.target), summary));
        }
        const engine = createEngine({
          knex: database.knex,
          dataDir: flags.dataDir,
          outDir: flags.out,
          now: flags.now,
          logger: cliLogger(),
        });
        const result = await engine.run(resolve(flags.template), { onProgress: progress.listener });
        for (const exp of result.exports) {
          const packages = exp.files.filter((f) => /\.(zip|tar|tgz)$/.test(f));
          for (const file of packages.length ? packages : exp.files) process.stdout.write(`package: ${file}\n`);
          process.stdout.write(`rows: ${exp.rows}${whyThisMany(exp.manifest.parameters, exp.manifest.now)}\n`);
        }
      } finally {
        progress.stop();
        await database.close();
      }
    });
}

/**
 * Why the demo export has so few rows of a large database: the user's example keeps only the
 * registrations with activity in its time window (a few days before now). Said when the export
 * has one, from the parameters as resolved in the manifest.
 */
function whyThisMany(parameters: Record<string, unknown>, now: unknown): string {
  const frames = parameters['sessionTimeFrames'];
  const scale = parameters['sessionTimeFramesScale'];
  if (frames === undefined || frames === null || scale === undefined || scale === null) return '';
  return ` (only the registrations with activity in the template's time window: ${String(frames)} × ${String(scale)} up to ${String(now)})`;
}
