import { Command } from 'commander';
import { databaseTarget } from '../options.js';
import { UsageError } from '../usage-error.js';

/** `exportkit schedule set|list|remove`: templates run on a cron schedule, through pg-boss's scheduler. */
export function scheduleCommand(): Command {
  const schedule = new Command('schedule').description(
    "Run templates on a cron schedule (pg-boss's scheduler on PostgreSQL: one firing however many workers run)",
  );
  schedule
    .command('set')
    .description("Set a template's schedule (replacing any): a cron expression in a time zone")
    .argument('<template>', "the template, by name in the workers' --templates folder")
    .argument('<cron>', 'five fields (minute hour day-of-month month day-of-week), e.g. "0 2 * * *"')
    .option('--tz <zone>', 'the time zone the expression is read in (IANA region name)', 'UTC')
    .option('--db <url>', 'the PostgreSQL server of the queue (default: $DATABASE_URL)')
    .action(async (template: string, cron: string, flags: { tz: string; db?: string }) =>
      withQueue(flags.db, async (queue) => {
        await queue.schedule({ template, cron, timeZone: flags.tz });
        process.stdout.write(`${template}: runs at "${cron}" (${flags.tz})\n`);
      }),
    );
  schedule
    .command('list')
    .description('The schedules')
    .option('--db <url>', 'the PostgreSQL server of the queue (default: $DATABASE_URL)')
    .action(async (flags: { db?: string }) =>
      withQueue(flags.db, async (queue) => {
        const all = await queue.schedules();
        if (all.length === 0) process.stdout.write('no schedules\n');
        for (const s of all) process.stdout.write(`${s.template}\t${s.cron}\t${s.timeZone}\n`);
      }),
    );
  schedule
    .command('remove')
    .description("Remove a template's schedule")
    .argument('<template>')
    .option('--db <url>', 'the PostgreSQL server of the queue (default: $DATABASE_URL)')
    .action(async (template: string, flags: { db?: string }) =>
      withQueue(flags.db, async (queue) => {
        await queue.unschedule(template);
        process.stdout.write(`${template}: no longer scheduled\n`);
      }),
    );
  for (const sub of schedule.commands) sub.exitOverride();
  return schedule;
}

async function withQueue(
  db: string | undefined,
  body: (queue: import('@exportkit/server').PgBossRunQueue) => Promise<void>,
): Promise<void> {
  const target = databaseTarget(db);
  if (!target || !/^postgres(ql)?:\/\//.test(target))
    throw new UsageError(
      `schedules need a PostgreSQL server (--db postgres://… or DATABASE_URL; got ${target ?? 'the embedded database'}): ` +
        "they live in pg-boss's scheduler, which the embedded PGlite cannot host",
    );
  // Loaded here: a host that only embeds the engine never loads pg-boss.
  const { PgBossRunQueue } = await import('@exportkit/server');
  const queue = new PgBossRunQueue({ connectionString: target });
  try {
    await body(queue);
  } finally {
    await queue.close({ timeoutMs: 0 });
  }
}
