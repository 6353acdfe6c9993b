import { InvalidArgumentError, Option } from 'commander';
import { parseIsoDay, parseIsoInstant } from '@exportkit/core';

/** `--db` wins, then DATABASE_URL, then the embedded PGlite database. */
export function databaseTarget(db: string | undefined): string | undefined {
  return db ?? process.env['DATABASE_URL'] ?? undefined;
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
