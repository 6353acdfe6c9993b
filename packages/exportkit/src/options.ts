import { InvalidArgumentError, Option } from 'commander';
import { parseIsoDay, parseIsoInstant } from '@exportkit/core';

/** `--db` wins, then DATABASE_URL, then the embedded PGlite database. */
export function databaseTarget(db: string | undefined): string | undefined {
  return db ?? process.env['DATABASE_URL'] ?? undefined;
}

/** `--now`: a strict ISO-8601 instant of a real calendar day (docs: README, "Reference instant"). */
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
