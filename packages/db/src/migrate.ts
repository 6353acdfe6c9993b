import type { Knex } from 'knex';
import { exportRunsDown, exportRunsUp } from './migrations/engine-state.js';
import { runStateDown, runStateUp } from './migrations/run-state.js';
import { referenceSchemaDown, referenceSchemaUp } from './migrations/reference-schema.js';

/** One migration, kept in code (no files to find at run time, so it works from src and dist alike). */
interface CodeMigration {
  readonly name: string;
  readonly up: readonly string[];
  readonly down: readonly string[];
}

/** A named, ordered set of migrations with its own Knex bookkeeping table. */
interface MigrationSet {
  readonly name: 'schema' | 'engine';
  readonly tableName: string;
  readonly migrations: readonly CodeMigration[];
}

/** The reference schema of SCHEMA.md (a host platform that exposes it as views skips this set). */
const SCHEMA_SET: MigrationSet = {
  name: 'schema',
  tableName: 'exportkit_schema_migrations',
  migrations: [{ name: '001_reference_schema', up: referenceSchemaUp, down: referenceSchemaDown }],
};

/** The engine's own state: export_runs. */
const ENGINE_SET: MigrationSet = {
  name: 'engine',
  tableName: 'exportkit_engine_migrations',
  migrations: [
    { name: '001_export_runs', up: exportRunsUp, down: exportRunsDown },
    { name: '002_run_state', up: runStateUp, down: runStateDown },
  ],
};

class CodeMigrationSource implements Knex.MigrationSource<CodeMigration> {
  constructor(private readonly migrations: readonly CodeMigration[]) {}
  getMigrations(): Promise<CodeMigration[]> {
    return Promise.resolve([...this.migrations]);
  }
  getMigrationName(migration: CodeMigration): string {
    return migration.name;
  }
  getMigration(migration: CodeMigration): Promise<Knex.Migration> {
    const run = (statements: readonly string[]) => async (knex: Knex) => {
      for (const sql of statements) await knex.raw(sql);
    };
    return Promise.resolve({ up: run(migration.up), down: run(migration.down) });
  }
}

/** Knex's bookkeeping tables of both sets (each with its `_lock` table). */
export const MIGRATION_TABLES: readonly string[] = [SCHEMA_SET, ENGINE_SET].flatMap((set) => [set.tableName, `${set.tableName}_lock`]);

const config = (set: MigrationSet): Knex.MigratorConfig => ({
  tableName: set.tableName,
  migrationSource: new CodeMigrationSource(set.migrations),
});

export interface MigrateOptions {
  /**
   * Create the reference schema's tables (default true). A host platform that exposes the
   * schema as views passes false: only the engine's `export_runs` is then created.
   */
  referenceSchema?: boolean;
}

const setsFor = (options: MigrateOptions = {}): MigrationSet[] =>
  options.referenceSchema === false ? [ENGINE_SET] : [SCHEMA_SET, ENGINE_SET];

/**
 * Brings the database up to date: the reference schema (unless `referenceSchema: false`), then
 * the engine's `export_runs`. Idempotent. Returns the names of the migrations it applied,
 * as `schema/001_reference_schema`, `engine/001_export_runs`.
 */
export async function migrate(knex: Knex, options: MigrateOptions = {}): Promise<string[]> {
  // Read-only when nothing is pending (knex's migrate takes its lock by writing), so that a
  // role with the least privileges (leastPrivilegeGrants) can run `db migrate` as a check.
  if (await everyMigrationRecorded(knex, setsFor(options))) return [];
  const applied: string[] = [];
  for (const set of setsFor(options)) {
    const [, names] = (await knex.migrate.latest(config(set))) as [number, string[]];
    applied.push(...names.map((name) => `${set.name}/${name}`));
  }
  return applied;
}

/**
 * The quick answer for an up-to-date database (every `npm start` asks): each bookkeeping table
 * exists and records every migration of its set. One query for the tables and one per set, where
 * knex's `migrate.list` takes several per set (and ~0.3 s more on PGlite); anything else is left to
 * knex, which then checks and applies.
 */
async function everyMigrationRecorded(knex: Knex, sets: readonly MigrationSet[]): Promise<boolean> {
  const tables = sets.map((set) => set.tableName);
  const found = (await knex.raw(`SELECT ${tables.map((_, i) => `to_regclass(?) IS NOT NULL AS t${i}`).join(', ')}`, tables)) as {
    rows: Array<Record<string, boolean>>;
  };
  if (!tables.every((_, i) => found.rows[0]?.[`t${i}`] === true)) return false;
  for (const set of sets) {
    const recorded = new Set((await knex(set.tableName).pluck('name')) as string[]);
    if (!set.migrations.every((migration) => recorded.has(migration.name))) return false;
  }
  return true;
}

/** Rolls every migration back (tables dropped): for tests and tools, never used by the engine. */
export async function rollbackAll(knex: Knex, options: MigrateOptions = {}): Promise<void> {
  for (const set of setsFor(options).reverse()) await knex.migrate.rollback(config(set), true);
}

export interface MigrationStatus {
  /** Applied migrations, e.g. `schema/001_reference_schema`. */
  completed: string[];
  /** Migrations still to apply. */
  pending: string[];
  /** True when nothing is pending. */
  upToDate: boolean;
}

/** Which migrations are applied and which are pending. */
export async function migrationStatus(knex: Knex, options: MigrateOptions = {}): Promise<MigrationStatus> {
  const completed: string[] = [];
  const pending: string[] = [];
  for (const set of setsFor(options)) {
    const [done, todo] = (await knex.migrate.list(config(set))) as [Array<{ name: string } | string>, CodeMigration[]];
    completed.push(...done.map((m) => `${set.name}/${typeof m === 'string' ? m : m.name}`));
    pending.push(...todo.map((m) => `${set.name}/${m.name}`));
  }
  return { completed, pending, upToDate: pending.length === 0 };
}
