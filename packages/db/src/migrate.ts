import type { Knex } from 'knex';
import {
  applyMigrationSet,
  ENGINE_MIGRATIONS,
  ENGINE_SCHEMA,
  engineStateStatus,
  listMigrationSet,
  migrateEngineState,
  rollbackEngineState,
  rollbackMigrationSet,
  type MigrationSet,
} from '@exportkit/core';
import { referenceSchemaDown, referenceSchemaUp } from './migrations/reference-schema.js';

/** The reference schema (docs/databases.md; a host platform has its own tables and skips this set). */
const SCHEMA_SET: MigrationSet = {
  name: 'schema',
  tableName: 'exportkit_schema_migrations',
  migrations: [{ name: '001_reference_schema', up: referenceSchemaUp, down: referenceSchemaDown }],
};

/** Knex's bookkeeping tables of the reference schema (with its `_lock` table), in the host's schema. */
export const MIGRATION_TABLES: readonly string[] = [SCHEMA_SET.tableName, `${SCHEMA_SET.tableName}_lock`];

/** Each set's bookkeeping table, as the quick check reads it: the engine's lives in its own schema. */
const setsFor = (options: MigrateOptions): Array<{ set: MigrationSet; table: string }> => [
  ...(options.referenceSchema === false ? [] : [{ set: SCHEMA_SET, table: SCHEMA_SET.tableName }]),
  { set: ENGINE_MIGRATIONS, table: `${ENGINE_SCHEMA}.${ENGINE_MIGRATIONS.tableName}` },
];

export interface MigrateOptions {
  /**
   * Create the reference schema's tables (default true: the demo database). A host database
   * passes false (`exportkit db migrate --engine-only`): only the engine's `exportkit.export_runs`
   * is then created.
   */
  referenceSchema?: boolean;
}

/**
 * Brings the database up to date: the reference schema (unless `referenceSchema: false`), then
 * the engine's `exportkit.export_runs`. Idempotent. Returns the names of the migrations it
 * applied, as `schema/001_reference_schema`, `engine/001_export_runs`.
 */
export async function migrate(knex: Knex, options: MigrateOptions = {}): Promise<string[]> {
  // Read-only when nothing is pending (knex's migrate takes its lock by writing), so that a
  // role with the least privileges (leastPrivilegeGrants) can run `db migrate` as a check.
  if (await everyMigrationRecorded(knex, setsFor(options))) return [];
  const applied: string[] = [];
  if (options.referenceSchema !== false) applied.push(...(await applyMigrationSet(knex, SCHEMA_SET)));
  applied.push(...(await migrateEngineState(knex)));
  return applied;
}

/**
 * The quick answer for an up-to-date database (every `npm start` asks): each bookkeeping table
 * exists and records every migration of its set. One query for the tables and one per set, where
 * knex's `migrate.list` takes several per set (and ~0.3 s more on PGlite); anything else is left to
 * knex, which then checks and applies.
 */
async function everyMigrationRecorded(
  knex: Knex,
  sets: ReadonlyArray<{ set: MigrationSet; table: string }>,
): Promise<boolean> {
  const tables = sets.map(({ table }) => table);
  const found = (await knex.raw(
    `SELECT ${tables.map((_, i) => `to_regclass(?) IS NOT NULL AS t${i}`).join(', ')}`,
    tables,
  )) as {
    rows: Array<Record<string, boolean>>;
  };
  if (!tables.every((_, i) => found.rows[0]?.[`t${i}`] === true)) return false;
  for (const { set, table } of sets) {
    const recorded = new Set((await knex(table).pluck('name')) as string[]);
    if (!set.migrations.every((migration) => recorded.has(migration.name))) return false;
  }
  return true;
}

/** Rolls every migration back (tables dropped): for tests and tools, never used by the engine. */
export async function rollbackAll(knex: Knex, options: MigrateOptions = {}): Promise<void> {
  await rollbackEngineState(knex);
  if (options.referenceSchema !== false) await rollbackMigrationSet(knex, SCHEMA_SET);
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
  if (options.referenceSchema !== false) {
    const schema = await listMigrationSet(knex, SCHEMA_SET);
    completed.push(...schema.completed);
    pending.push(...schema.pending);
  }
  const engine = await engineStateStatus(knex);
  completed.push(...engine.completed);
  pending.push(...engine.pending);
  return { completed, pending, upToDate: pending.length === 0 };
}
