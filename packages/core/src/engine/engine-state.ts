import type { Knex } from 'knex';
import { ExportkitError } from '../errors/exportkit-error.js';
import { databaseMessage } from '../errors/database-message.js';
import { applyMigrationSet, listMigrationSet, rollbackMigrationSet, type MigrationSet } from './code-migrations.js';
import { exportRunsDown, exportRunsUp } from './migrations/export-runs.js';
import { runStateDown, runStateUp } from './migrations/run-state.js';
import { exportDeliveriesDown, exportDeliveriesUp } from './migrations/export-deliveries.js';

/**
 * The engine's own schema: its table `export_runs` and its migrations' bookkeeping live there,
 * apart from the host's tables (whose schema the engine only reads).
 */
export const ENGINE_SCHEMA = 'exportkit';
/** The engine's table of runs, schema-qualified: every query on it uses this name. */
export const EXPORT_RUNS = `${ENGINE_SCHEMA}.export_runs`;
/** The engine's table of deliveries (one row per delivery of a run and try). */
export const EXPORT_DELIVERIES = `${ENGINE_SCHEMA}.export_deliveries`;

/** The engine's migrations, tracked in `exportkit.engine_migrations`. */
export const ENGINE_MIGRATIONS: MigrationSet = {
  name: 'engine',
  tableName: 'engine_migrations',
  schemaName: ENGINE_SCHEMA,
  migrations: [
    { name: '001_export_runs', up: exportRunsUp, down: exportRunsDown },
    { name: '002_run_state', up: runStateUp, down: runStateDown },
    { name: '003_export_deliveries', up: exportDeliveriesUp, down: exportDeliveriesDown },
  ],
};

/** The tables of the engine's schema: its table, then Knex's bookkeeping (with its lock). */
export const ENGINE_TABLES = [
  'export_runs',
  'export_deliveries',
  ENGINE_MIGRATIONS.tableName,
  `${ENGINE_MIGRATIONS.tableName}_lock`,
] as const;

/** The command that creates the engine's table, for errors and docs. */
export const ENGINE_MIGRATE_COMMAND = 'exportkit db migrate --engine-only';

/** The engine's table is missing or out of date and the role cannot create it. */
export class EngineStateMissingError extends ExportkitError {}

/** Which of the engine's migrations are applied and pending (read-only). */
export async function engineStateStatus(
  knex: Knex,
): Promise<{ completed: string[]; pending: string[]; upToDate: boolean }> {
  // Knex's bookkeeping needs the schema to exist; without it nothing is applied.
  if (!(await schemaExists(knex))) {
    return { completed: [], pending: ENGINE_MIGRATIONS.migrations.map((m) => `engine/${m.name}`), upToDate: false };
  }
  const { completed, pending } = await listMigrationSet(knex, ENGINE_MIGRATIONS);
  return { completed, pending, upToDate: pending.length === 0 };
}

/**
 * Creates or updates the engine's schema and `exportkit.export_runs` (idempotent; writes nothing
 * when up to date). Returns the migrations applied, as `engine/001_export_runs`. A database of an
 * earlier version, whose `export_runs` lived in `public`, has it moved here with its history.
 */
export async function migrateEngineState(knex: Knex): Promise<string[]> {
  if ((await engineStateStatus(knex)).upToDate) return [];
  await knex.raw(`CREATE SCHEMA IF NOT EXISTS ${ENGINE_SCHEMA}`);
  await adoptPublicExportRuns(knex);
  return applyMigrationSet(knex, ENGINE_MIGRATIONS);
}

/** Drops the engine's table (every migration rolled back): for tests and tools. */
export async function rollbackEngineState(knex: Knex): Promise<void> {
  if (await schemaExists(knex)) await rollbackMigrationSet(knex, ENGINE_MIGRATIONS);
}

/**
 * Makes sure the engine's table is there before a run: creates it when the role may; otherwise
 * throws an EngineStateMissingError naming the one command (or call) that creates it.
 */
export async function ensureEngineState(knex: Knex): Promise<void> {
  let pending: string[] = [];
  try {
    const status = await engineStateStatus(knex);
    if (status.upToDate) return;
    pending = status.pending;
    await migrateEngineState(knex);
  } catch (error) {
    if (!PRIVILEGE_OR_MISSING.has((error as { code?: string }).code ?? '')) throw error;
    throw new EngineStateMissingError(
      `the engine's table ${EXPORT_RUNS} is missing or out of date${pending.length ? ` (pending: ${pending.join(', ')})` : ''} ` +
        `and could not be created: ${databaseMessage(error)}. Create it once as a role that may: ` +
        `\`${ENGINE_MIGRATE_COMMAND} --db <url>\` (or migrateEngineState(knex) from @exportkit/core); ` +
        'the role that runs exports then needs only the grants of docs/databases.md',
      { cause: error },
    );
  }
}

/** insufficient_privilege, undefined_table, invalid_schema_name: the role may not create or see the engine's state. */
const PRIVILEGE_OR_MISSING = new Set(['42501', '42P01', '3F000']);

async function schemaExists(knex: Knex): Promise<boolean> {
  const result = (await knex.raw('SELECT 1 FROM pg_namespace WHERE nspname = ?', [ENGINE_SCHEMA])) as {
    rows: unknown[];
  };
  return result.rows.length > 0;
}

/** Before the engine had its own schema, `export_runs` and its bookkeeping were in `public`. */
async function adoptPublicExportRuns(knex: Knex): Promise<void> {
  const found = (await knex.raw(
    `SELECT to_regclass('public.exportkit_engine_migrations') IS NOT NULL AS old, to_regclass('${ENGINE_SCHEMA}.${ENGINE_MIGRATIONS.tableName}') IS NOT NULL AS new`,
  )) as { rows: Array<{ old: boolean; new: boolean }> };
  const row = found.rows[0];
  if (!row?.old || row.new) return;
  await knex.transaction(async (trx) => {
    await trx.raw(`ALTER TABLE public.export_runs SET SCHEMA ${ENGINE_SCHEMA}`);
    for (const suffix of ['', '_lock']) {
      await trx.raw(`ALTER TABLE public.exportkit_engine_migrations${suffix} SET SCHEMA ${ENGINE_SCHEMA}`);
      await trx.raw(
        `ALTER TABLE ${ENGINE_SCHEMA}.exportkit_engine_migrations${suffix} RENAME TO ${ENGINE_MIGRATIONS.tableName}${suffix}`,
      );
    }
  });
}
