import { Command, Option } from 'commander';
import { databaseMessage, type ExportStatement } from '@exportkit/core';
import { createEngine } from '../create-engine.js';
import { collectPlugin, databaseTarget, parseInstant, PLUGIN_OPTION } from '../options.js';
import { UsageError } from '../usage-error.js';

/**
 * `exportkit sql`: the statement each export of a template runs, with its bindings listed, so
 * that nobody has to run an export to see what it asks the database; `--explain` adds the plan.
 */
export function sqlCommand(): Command {
  return new Command('sql')
    .description(
      "Print each export's composed SQL statement and its bindings, without running it (--explain: its plan, needs a database)",
    )
    .argument('<template>', 'template file (.xml, .yaml or .yml)')
    .option('--export <name>', 'only this export (its name or guid)')
    .addOption(
      new Option('--now <iso>', 'the reference instant the statement is composed for (default: now)').argParser(
        parseInstant,
      ),
    )
    .option('--explain', 'also run EXPLAIN on each statement (with --db, or $DATABASE_URL, or the embedded database)')
    .option('--db <url>', 'database for --explain')
    .option(...PLUGIN_OPTION, collectPlugin)
    .action(
      async (
        template: string,
        flags: { export?: string; now?: Date; explain?: boolean; db?: string; plugin?: string[] },
      ) => {
        const engine = createEngine({
          databaseUrl: flags.explain ? databaseTarget(flags.db) : undefined,
          plugins: flags.plugin,
          now: flags.now,
        });
        try {
          let statements = await engine.statements(template);
          if (flags.export !== undefined) {
            statements = statements.filter((s) => s.name === flags.export || s.guid === flags.export);
            if (statements.length === 0) throw new UsageError(`no export named ${flags.export} in ${template}`);
          }
          for (const statement of statements) {
            process.stdout.write(describeStatement(statement));
            if (flags.explain) {
              const knex = await engine.database();
              const plan = (await knex
                .raw(`EXPLAIN ${statement.knexSql}`, statement.bindings as never)
                .catch((error: unknown) => {
                  throw new Error(`EXPLAIN of export ${statement.name} failed: ${databaseMessage(error)}`);
                })) as { rows: Array<{ 'QUERY PLAN': string }> };
              process.stdout.write(`-- plan:\n${plan.rows.map((r) => `--   ${r['QUERY PLAN']}`).join('\n')}\n`);
            }
            process.stdout.write('\n');
          }
        } finally {
          await engine.close();
        }
      },
    );
}

function describeStatement(statement: ExportStatement): string {
  const bindings = statement.bindings.map(
    (value, i) => `--   $${i + 1} = ${JSON.stringify(value instanceof Date ? value.toISOString() : value)}`,
  );
  return (
    `-- export ${statement.name}${statement.guid ? ` (guid ${statement.guid})` : ''}\n${statement.sql};\n` +
    (bindings.length ? `-- bindings:\n${bindings.join('\n')}\n` : '-- no bindings\n')
  );
}
