import { InvalidArgumentError } from 'commander';

/** `--db` wins, then DATABASE_URL, then the embedded PGlite database. */
export function databaseTarget(db: string | undefined): string | undefined {
  return db ?? process.env['DATABASE_URL'] ?? undefined;
}

export function parseInstant(value: string): Date {
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) {
    throw new InvalidArgumentError('expects an ISO-8601 instant, e.g. 2021-02-24T10:00:00Z');
  }
  return date;
}

export function parsePositiveInt(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expects a whole number');
  return Number(value);
}

export function parseDay(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new InvalidArgumentError('expects a day as YYYY-MM-DD');
  }
  return value;
}
