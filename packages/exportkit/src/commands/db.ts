import { Command, Option } from 'commander';
import { connect, describeTarget, migrate } from '@exportkit/db';
import { seed } from '@exportkit/synthetic-data';
import { formatSeedSummary } from '../seed-summary.js';
import { databaseTarget, parseDay, parsePositiveInt } from '../options.js';
import { seedProgress } from '../seed-progress.js';

export function dbCommand(): Command {
  const db = new Command('db').description('Prepare a database: migrations and synthetic data');
  db.addCommand(
    new Command('migrate')
      .description(
        "Create or update the engine's table exportkit.export_runs and (unless --engine-only) the demo's reference schema",
      )
      .option('--db <url>', 'database (default: $DATABASE_URL, else .exportkit/pglite)')
      .option(
        '--engine-only',
        "only the engine's own schema exportkit (for a host database, whose tables the engine reads)",
      )
      .action(async (flags: { db?: string; engineOnly?: boolean }) => {
        const target = databaseTarget(flags.db);
        const database = await connect(target);
        try {
          await migrate(database.knex, { referenceSchema: !flags.engineOnly });
          process.stdout.write(`migrated ${describeTarget(database.target)}\n`);
        } finally {
          await database.close();
        }
      })
      .exitOverride(),
  );
  db.addCommand(
    new Command('seed')
      .description('Fill an empty database with realistic synthetic data (deterministic for a seed and anchor)')
      .option('--db <url>', 'database (default: $DATABASE_URL, else .exportkit/pglite)')
      .addOption(new Option('--learners <n>', 'number of learners').argParser(parsePositiveInt))
      .addOption(
        new Option('--registrations <n>', 'target number of registrations (instead of --learners)').argParser(
          parsePositiveInt,
        ),
      )
      .addOption(new Option('--seed <s>', 'random seed').argParser(parsePositiveInt).default(1))
      .addOption(new Option('--anchor <day>', 'last day of activity, YYYY-MM-DD (default: today)').argParser(parseDay))
      .option('--reset', 'empty the schema tables first')
      .action(
        async (flags: {
          db?: string;
          learners?: number;
          registrations?: number;
          seed: number;
          anchor?: string;
          reset?: boolean;
        }) => {
          if (flags.learners === undefined && flags.registrations === undefined) flags.learners = 2000;
          const database = await connect(databaseTarget(flags.db));
          const progress = seedProgress();
          try {
            await migrate(database.knex);
            const summary = await seed(database.knex, {
              learners: flags.learners,
              registrations: flags.registrations,
              seed: flags.seed,
              anchor: flags.anchor,
              reset: flags.reset,
              onProgress: progress.listener,
            } as Parameters<typeof seed>[1]);
            progress.stop();
            process.stdout.write(formatSeedSummary(describeTarget(database.target), summary));
          } finally {
            progress.stop();
            await database.close();
          }
        },
      )
      .exitOverride(),
  );
  return db;
}
