/**
 * Bulk loading for the generator: rows in PostgreSQL's COPY text format, sent with
 * `COPY … FROM STDIN` through pg-copy-streams on PostgreSQL, and with `COPY … FROM '/dev/blob'`
 * (PGlite's `blob` query option) on PGlite. Both go through one raw connection, so the whole load
 * is a single transaction.
 */
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { Knex } from 'knex';
import type { PoolClient } from 'pg';
import type { PGlite } from '@electric-sql/pglite';
import { from as copyFrom } from 'pg-copy-streams';

const DAY_S = 86_400;

/** `\N`, COPY's NULL. */
export const NULL = '\\N';

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPE_ALL = /[\\\t\n\r]/g;

/** A text value for COPY text format (null → `\N`). */
export function text(value: string | null | undefined): string {
  if (value === null || value === undefined) return NULL;
  return NEEDS_ESCAPE.test(value) ? value.replace(ESCAPE_ALL, (c) => ESCAPES[c]!) : value;
}

export const bool = (value: boolean): string => (value ? 't' : 'f');

/** Formats days (days since 1970-01-01) and instants (seconds since the epoch) in UTC, fast. */
export class TimeFormat {
  private readonly days: string[] = [];
  private static readonly TWO = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));

  constructor(
    private readonly firstDay: number,
    lastDay: number,
  ) {
    for (let d = firstDay; d <= lastDay; d++) this.days.push(new Date(d * DAY_S * 1000).toISOString().slice(0, 10));
  }

  /** `YYYY-MM-DD` of a day number. */
  day(day: number): string {
    return this.days[day - this.firstDay] ?? new Date(day * DAY_S * 1000).toISOString().slice(0, 10);
  }

  /** `YYYY-MM-DD hh:mm:ss+00` of an instant in seconds. */
  instant(seconds: number): string {
    const day = Math.floor(seconds / DAY_S);
    let rest = seconds - day * DAY_S;
    const h = Math.floor(rest / 3600);
    rest -= h * 3600;
    const m = Math.floor(rest / 60);
    const two = TimeFormat.TWO;
    return `${this.day(day)} ${two[h]}:${two[m]}:${two[rest - m * 60]}+00`;
  }

  /** An optional instant (NaN or null → `\N`). */
  maybe(seconds: number | null): string {
    return seconds === null || Number.isNaN(seconds) ? NULL : this.instant(seconds);
  }
}

/** Rows of one table on their way into the database. */
export interface CopyIn {
  /** Adds one line (columns joined by tabs, ending with a newline). */
  write(line: string): void;
  /** True when enough is buffered that the caller should await flush(). */
  readonly full: boolean;
  flush(): Promise<void>;
  /** Sends what is left and finishes; returns the number of rows. */
  end(): Promise<number>;
}

/** One raw connection holding the seeding transaction. */
export interface BulkSession {
  readonly kind: 'pglite' | 'postgres';
  query(sql: string): Promise<Array<Record<string, unknown>>>;
  copyIn(table: string, columns: readonly string[], options: { freeze: boolean }): CopyIn;
  release(): Promise<void>;
}

const copySql = (table: string, columns: readonly string[], source: string, freeze: boolean) =>
  `COPY ${table} (${columns.join(', ')}) FROM ${source}${freeze ? ' WITH (FREEZE)' : ''}`;

/** Opens a bulk session on a knex instance's own connection (released by release()). */
export async function openBulkSession(knex: Knex): Promise<BulkSession> {
  const client = knex.client as {
    acquireConnection(): Promise<unknown>;
    releaseConnection(c: unknown): Promise<void>;
    dialect: string;
    config: { client?: unknown };
  };
  const connection = await client.acquireConnection();
  const release = () => client.releaseConnection(connection);
  if (isPglite(connection)) return pgliteSession(connection, release);
  return postgresSession(connection as PoolClient, release);
}

function isPglite(connection: unknown): connection is PGlite {
  return typeof (connection as PGlite).exec === 'function' && 'waitReady' in (connection as object);
}

function pgliteSession(pglite: PGlite, release: () => Promise<void>): BulkSession {
  const CHUNK = 4 * 1024 * 1024;
  return {
    kind: 'pglite',
    async query(sql) {
      return (await pglite.query<Record<string, unknown>>(sql)).rows;
    },
    copyIn(table, columns, { freeze }) {
      const sql = copySql(table, columns, `'/dev/blob'`, freeze);
      let buffer = '';
      let rows = 0;
      const flush = async () => {
        if (!buffer) return;
        const blob = new Blob([buffer]);
        buffer = '';
        await pglite.query(sql, [], { blob });
      };
      return {
        write(line) {
          buffer += line;
          rows++;
        },
        get full() {
          return buffer.length >= CHUNK;
        },
        flush,
        async end() {
          await flush();
          return rows;
        },
      };
    },
    release,
  };
}

function postgresSession(client: PoolClient, release: () => Promise<void>): BulkSession {
  const CHUNK = 256 * 1024;
  return {
    kind: 'postgres',
    async query(sql) {
      return (await client.query<Record<string, unknown>>(sql)).rows;
    },
    copyIn(table, columns, { freeze }) {
      const stream = client.query(copyFrom(copySql(table, columns, 'STDIN', freeze)));
      let failure: Error | undefined;
      stream.on('error', (error: Error) => (failure ??= error));
      let buffer = '';
      let rows = 0;
      const flush = async () => {
        if (failure) throw failure;
        if (!buffer) return;
        const chunk = buffer;
        buffer = '';
        if (!stream.write(chunk)) await once(stream, 'drain');
        if (failure) throw failure;
      };
      return {
        write(line) {
          buffer += line;
          rows++;
        },
        get full() {
          return buffer.length >= CHUNK;
        },
        flush,
        async end() {
          await flush();
          stream.end();
          await finished(stream);
          if (failure) throw failure;
          return rows;
        },
      };
    },
    release,
  };
}
