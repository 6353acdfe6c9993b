import { Command, Option } from 'commander';
import { connect } from '@exportkit/db';
import { databaseTarget } from '../options.js';

/** `exportkit token create`: a bearer token of the HTTP API, shown once; the database keeps its hash. */
export function tokenCommand(): Command {
  const token = new Command('token').description('Bearer tokens of the HTTP API (exportkit serve)');
  token
    .command('create')
    .description('Create a token and print it (once: the database keeps only its SHA-256)')
    .requiredOption('--name <name>', 'who or what uses it (unique)')
    .addOption(
      new Option('--scope <scope>', 'read: look; run: also start and cancel runs; admin: also change templates')
        .choices(['read', 'run', 'admin'])
        .makeOptionMandatory(),
    )
    .option('--db <url>', 'database (default: $DATABASE_URL, else .exportkit/pglite)')
    .action(async (flags: { name: string; scope: 'read' | 'run' | 'admin'; db?: string }) => {
      // Loaded here: a host that only embeds the engine never loads the server's packages.
      const { ApiTokens } = await import('@exportkit/server');
      const database = await connect(databaseTarget(flags.db));
      try {
        process.stdout.write(`${await new ApiTokens(database.knex).create(flags.name, flags.scope)}\n`);
      } finally {
        await database.close();
      }
    })
    .exitOverride();
  return token;
}
