import { InvalidArgumentError } from 'commander';
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
