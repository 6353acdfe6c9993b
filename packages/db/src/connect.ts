import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import knexFactory, { type Knex } from 'knex';
import { lockPgliteFolder } from './pglite-folder-lock.js';
import type { PGlite } from '@electric-sql/pglite';
import { DatabaseTargetError } from './database-target-error.js';

/** An open database: the Knex instance every package uses, and what it points at. */
export interface Database {
  knex: Knex;
  kind: 'pglite' | 'postgres';
  /** The normalised target: `file:/abs/path`, `memory:` or the PostgreSQL URL as given. */
  target: string;
  /** Closes the connection pool (and the embedded database). Safe to call twice. */
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** Folder that relative `file:` paths and the default `.exportkit/pglite` are resolved from (default: process.cwd()). */
  cwd?: string;
}

/** Where the embedded database lives when no target is given, relative to cwd. */
export const DEFAULT_PGLITE_DIR = '.exportkit/pglite';

export const ACCEPTED_TARGETS =
  'nothing (embedded PGlite in .exportkit/pglite), file:PATH (embedded PGlite in PATH), memory: (in-memory PGlite), ' +
  'or a PostgreSQL URL postgres://user[:password]@host[:port]/database (postgresql:// also accepted)';

export type ParsedTarget =
  { kind: 'pglite'; dataDir: string | undefined; target: string } | { kind: 'postgres'; url: string; target: string };

/** Reads a target string (see {@link connect}); throws a DatabaseTargetError naming the accepted forms. */
export function parseTarget(target: string | undefined, options: ConnectOptions = {}): ParsedTarget {
  const cwd = options.cwd ?? process.cwd();
  if (target === undefined) {
    const dataDir = resolve(cwd, DEFAULT_PGLITE_DIR);
    return { kind: 'pglite', dataDir, target: `file:${dataDir}` };
  }
  const text = target.trim();
  if (text === 'memory:' || text === 'memory://') return { kind: 'pglite', dataDir: undefined, target: 'memory:' };
  if (/^file:/i.test(text)) {
    let path: string;
    try {
      path = /^file:\/\//i.test(text) ? fileURLToPath(text) : text.slice('file:'.length);
    } catch (error) {
      throw new DatabaseTargetError(
        `invalid database target "${target}": ${(error as Error).message}. Accepted: ${ACCEPTED_TARGETS}`,
      );
    }
    if (!path)
      throw new DatabaseTargetError(
        `invalid database target "${target}": file: needs a path. Accepted: ${ACCEPTED_TARGETS}`,
      );
    const dataDir = resolve(cwd, path);
    return { kind: 'pglite', dataDir, target: `file:${dataDir}` };
  }
  if (/^postgres(ql)?:\/\//i.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new DatabaseTargetError(
        `invalid database target "${describeTarget(text)}": not a valid URL. Accepted: ${ACCEPTED_TARGETS}`,
      );
    }
    if (!url.hostname && !url.searchParams.get('host')) {
      throw new DatabaseTargetError(
        `invalid database target "${describeTarget(text)}": no host. Accepted: ${ACCEPTED_TARGETS}`,
      );
    }
    return { kind: 'postgres', url: text, target: text };
  }
  throw new DatabaseTargetError(`unsupported database target "${describeTarget(text)}". Accepted: ${ACCEPTED_TARGETS}`);
}

/**
 * A target as it may be printed or logged: a URL loses its password (in the user-info part and in a
 * `password` query parameter); anything else is returned as is. `undefined` names the default.
 */
export function describeTarget(target: string | undefined): string {
  if (target === undefined) return `file:${DEFAULT_PGLITE_DIR} (default)`;
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*@)?(.*)$/is.exec(target);
  if (!match) return target;
  const [, scheme, userInfo, rest] = match;
  const user = userInfo ? userInfo.slice(0, -1).split(':')[0] : '';
  const withoutQueryPassword = rest!
    .replace(/([?&])password=[^&#]*(&?)/gi, (_m, sep: string, next: string) => (next ? sep : ''))
    .replace(/[?&]$/, '');
  return `${scheme}${user ? `${user}@` : ''}${withoutQueryPassword}`;
}

/** pg returns int8 as text and date as local-time Date; make both match PGlite (number when safe, UTC midnight). */
const INT8_OID = 20;
const DATE_OID = 1082;
const parseInt8 = (text: string): number | bigint => {
  const value = BigInt(text);
  return value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER) ? value : Number(value);
};
const parseDate = (text: string): Date | string => {
  // infinity and BC dates stay text
  return /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T00:00:00.000Z`) : text;
};

/** Type parsers for node-postgres connections, aligned with PGlite's. */
export async function pgTypeParsers(): Promise<{ getTypeParser: (oid: number, format?: string) => unknown }> {
  const pg = (await import('pg')).default;
  return {
    getTypeParser: (oid: number, format?: string) => {
      if (format !== 'binary') {
        if (oid === INT8_OID) return parseInt8;
        if (oid === DATE_OID) return parseDate;
      }
      return pg.types.getTypeParser(oid, format as 'text');
    },
  };
}

/**
 * Opens a database.
 *
 * - `undefined`: embedded PGlite with its data in `<cwd>/.exportkit/pglite` (created if needed);
 * - `file:PATH` (or a `file://` URL): embedded PGlite with its data in PATH, relative to cwd; one
 *   process at a time (`PATH.lock`, see lockPgliteFolder: a second process gets DatabaseInUseError);
 * - `memory:`: a new in-memory PGlite, gone when closed;
 * - `postgres://…` or `postgresql://…`: a PostgreSQL server through `pg` (the connection is tried at once).
 *
 * Anything else is an error that names the accepted forms. On both kinds bigint columns come back as
 * numbers (BigInt beyond 2^53), numeric as text, timestamptz as Date and date as a Date at UTC midnight.
 */
export async function connect(target?: string, options: ConnectOptions = {}): Promise<Database> {
  const parsed = parseTarget(target, options);
  if (parsed.kind === 'pglite') {
    if (parsed.dataDir) mkdirSync(parsed.dataDir, { recursive: true });
    const release = parsed.dataDir ? lockPgliteFolder(parsed.dataDir) : () => undefined;
    let pglite: PGlite;
    try {
      const { PGlite } = await importPglite('@electric-sql/pglite');
      pglite = parsed.dataDir ? new PGlite(parsed.dataDir) : new PGlite();
      await pglite.waitReady;
    } catch (error) {
      release();
      if (error instanceof DatabaseTargetError) throw error;
      throw new Error(`cannot open the embedded database at ${parsed.target}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    return fromPglite(pglite, parsed.target, release);
  }
  const types = await pgTypeParsers();
  // Try the server once with a bare client: a clear error now rather than at the first query.
  const pg = (await import('pg')).default;
  const probe = new pg.Client({ connectionString: parsed.url });
  try {
    await probe.connect();
  } catch (error) {
    throw new Error(`cannot connect to PostgreSQL at ${describeTarget(parsed.url)}: ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    await probe.end().catch(() => undefined);
  }
  const knex = knexFactory({
    client: 'pg',
    connection: { connectionString: parsed.url, types } as Knex.PgConnectionConfig,
    pool: { min: 0, max: 10 },
  });
  return database(knex, 'postgres', parsed.target, () => knex.destroy());
}

/**
 * Wraps an open PGlite instance (for example a host's own, or a `clone()`) as a Database;
 * `close()` closes the instance too.
 */
export async function fromPglite(
  pglite: PGlite,
  target = 'memory:',
  releaseFolder: () => void = () => undefined,
): Promise<Database> {
  const ClientPgLite = (await importPglite('knex-pglite')).default;
  const knex = knexFactory({
    client: ClientPgLite,
    dialect: 'postgres',
    connection: () => ({ pglite }),
  } as Knex.Config);
  return database(knex, 'pglite', target, async () => {
    try {
      await knex.destroy();
      if (!pglite.closed) await pglite.close();
    } finally {
      releaseFolder();
    }
  });
}

/**
 * PGlite (27 MB) and its knex client are loaded only when an embedded database is opened, and
 * are optional peers of this package: a host on PostgreSQL need not install them (the exportkit
 * package does).
 */
async function importPglite<M extends '@electric-sql/pglite' | 'knex-pglite'>(
  name: M,
): Promise<
  M extends 'knex-pglite' ? { default: typeof import('knex-pglite') } : typeof import('@electric-sql/pglite')
> {
  try {
    return (await import(name)) as never;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new DatabaseTargetError(
      `the embedded database (file:, memory: or no --db) needs ${name}, which is not installed: npm install @electric-sql/pglite knex-pglite, or use a PostgreSQL URL`,
      { cause: error },
    );
  }
}

function database(knex: Knex, kind: Database['kind'], target: string, destroy: () => Promise<void>): Database {
  let closing: Promise<void> | undefined;
  return {
    knex,
    kind,
    target,
    close: () => (closing ??= destroy()),
  };
}
