/*
 * The test database harness, used by every database test of the project.
 *
 * - forEachDatabase(title, body) defines the same tests twice, on PGlite and on PostgreSQL, against
 *   one shared database of each kind per run: migrated and loaded with the fixture dataset
 *   (test/fixtures/dataset.ts). Tests that read only use it.
 * - scratchDatabase(kind) gives a fresh, empty, migrated database for tests that write.
 * - PostgreSQL needs DATABASE_URL (any database of the server: the harness creates its own
 *   databases `exportkit_test_<pid>_<random>` beside it and drops them at the end of the run).
 *   Without it the PostgreSQL half is defined as skipped and the run ends with one line saying so.
 */
import { randomBytes } from 'node:crypto';
import knexFactory, { type Knex } from 'knex';
import type { PGlite } from '@electric-sql/pglite';
import { connect, describeTarget, fromPglite, migrate, pgTypeParsers, type Database } from '@exportkit/db';
import { loadFixtureDataset } from '../fixtures/dataset.js';

export type DatabaseKind = 'pglite' | 'postgres';

export interface TestDatabase {
  kind: DatabaseKind;
  knex: Knex;
}

export type ScratchDatabase = TestDatabase & { url: string; dispose(): Promise<void> };

/** The server the PostgreSQL half runs on, from DATABASE_URL. */
export const databaseUrl: string | undefined = process.env.DATABASE_URL?.trim() || undefined;

/** True when DATABASE_URL is set: the PostgreSQL half of the tests runs. */
export const postgresAvailable: boolean = databaseUrl !== undefined;

const SETUP_TIMEOUT_MS = 300_000;

/** Everything opened during the run, closed or dropped by the root after-all hook. */
const open = new Set<() => Promise<void>>();

/**
 * Defines `describe(`${title} [pglite]`)` and `describe(`${title} [postgres]`)`, each body receiving a
 * getter for the shared, migrated, fixture-loaded database of that kind. Without DATABASE_URL the
 * PostgreSQL half is `describe.skip(`${title} [postgres] — skipped: DATABASE_URL is not set`)`.
 */
export function forEachDatabase(title: string, body: (db: () => TestDatabase) => void): void {
  for (const kind of ['pglite', 'postgres'] as const) {
    if (kind === 'postgres' && !postgresAvailable) {
      describe.skip(`${title} [postgres] — skipped: DATABASE_URL is not set`, () => {
        body(() => {
          throw new Error('the PostgreSQL half is skipped: DATABASE_URL is not set');
        });
      });
      continue;
    }
    describe(`${title} [${kind}]`, function () {
      let database: TestDatabase | undefined;
      before(async function () {
        this.timeout(SETUP_TIMEOUT_MS);
        database = await sharedDatabase(kind);
      });
      body(() => {
        if (!database)
          throw new Error(
            `the shared ${kind} database is not ready: call db() inside a test or hook, not while defining tests`,
          );
        return database;
      });
    });
  }
}

const shared = new Map<DatabaseKind, Promise<TestDatabase>>();

/** The shared, migrated, fixture-loaded database of a kind (created on first use). */
export function sharedDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  let pending = shared.get(kind);
  if (!pending) {
    pending = (async () => {
      const created = kind === 'pglite' ? await newPglite() : await newPostgresDatabase();
      await loadFixtureDataset(created.knex);
      return { kind, knex: created.knex };
    })();
    pending.catch(() => shared.delete(kind));
    shared.set(kind, pending);
  }
  return pending;
}

/**
 * A fresh empty migrated database of that kind for tests that write (PGlite: a new in-memory
 * instance; postgres: a new database on DATABASE_URL's server), with a dispose(). `url` is the
 * created database's URL, or `memory:` for PGlite.
 */
export async function scratchDatabase(kind: DatabaseKind): Promise<ScratchDatabase> {
  const created = kind === 'pglite' ? await newPglite() : await newPostgresDatabase();
  return { kind, knex: created.knex, url: created.url, dispose: created.dispose };
}

interface Created {
  knex: Knex;
  url: string;
  dispose(): Promise<void>;
}

function track(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  const once = () => {
    open.delete(once);
    return (closing ??= close());
  };
  open.add(once);
  return once;
}

/*
 * PGlite: creating an instance runs initdb in WebAssembly (seconds). A migrated, empty template is made
 * once and each new database is a clone of it.
 */
let pgliteTemplate: Promise<PGlite> | undefined;

function template(): Promise<PGlite> {
  if (!pgliteTemplate) {
    pgliteTemplate = (async () => {
      const database = await connect('memory:');
      track(() => database.close());
      await migrate(database.knex);
      const pglite = (await database.knex.client.acquireConnection()) as PGlite;
      await database.knex.client.releaseConnection(pglite);
      return pglite;
    })();
    pgliteTemplate.catch(() => (pgliteTemplate = undefined));
  }
  return pgliteTemplate;
}

async function newPglite(): Promise<Created> {
  const source = await template();
  const pglite = await source.clone();
  await pglite.waitReady;
  const database = await fromPglite(pglite as PGlite);
  return { knex: database.knex, url: 'memory:', dispose: track(() => database.close()) };
}

/* PostgreSQL: databases created beside DATABASE_URL's, through one admin connection. */
let admin: Knex | undefined;

function adminKnex(): Knex {
  if (!databaseUrl)
    throw new Error('PostgreSQL tests need DATABASE_URL (for example postgres://postgres@127.0.0.1:5432/test)');
  if (!admin) {
    const knex = knexFactory({ client: 'pg', connection: databaseUrl, pool: { min: 0, max: 2 } });
    admin = knex;
    track(async () => {
      admin = undefined;
      await knex.destroy();
    });
  }
  return admin;
}

function databaseName(): string {
  return `exportkit_test_${process.pid}_${randomBytes(4).toString('hex')}`;
}

async function newPostgresDatabase(): Promise<Created> {
  const adminConnection = adminKnex();
  const name = databaseName();
  const url = new URL(databaseUrl!);
  url.pathname = `/${name}`;
  try {
    await adminConnection.raw(`CREATE DATABASE "${name}"`);
  } catch (error) {
    throw new Error(
      `cannot create the test database ${name} on ${describeTarget(databaseUrl)}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  let database: Database | undefined;
  const drop = track(async () => {
    await database?.close();
    await adminConnection.raw(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
  try {
    database = await connect(url.toString());
    await migrate(database.knex);
  } catch (error) {
    await drop();
    throw error;
  }
  return { knex: database.knex, url: url.toString(), dispose: drop };
}

/** Closes every database of the run and drops the PostgreSQL ones (the root after-all hook). */
export async function disposeAllDatabases(): Promise<void> {
  shared.clear();
  pgliteTemplate = undefined;
  // Databases first, the admin connection (opened before them) last.
  const closers = [...open].reverse();
  const failures: unknown[] = [];
  for (const close of closers) {
    try {
      await close();
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length) throw new AggregateError(failures, `could not close ${failures.length} test database(s)`);
}

/**
 * The line a run without DATABASE_URL ends with (printed by the root after-all hook, just before the
 * reporter's summary, so that the summary stays the last line).
 */
export function skippedHalfNotice(): string | undefined {
  return postgresAvailable
    ? undefined
    : 'PostgreSQL half not run: DATABASE_URL is not set (set it to run every database test on PostgreSQL too)';
}

// pgTypeParsers is re-exported for tests that open their own pg connections.
export { pgTypeParsers };
