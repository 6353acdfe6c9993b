import type { Knex } from 'knex';

/** One migration, kept in code (no files to find at run time, so it works from src and dist alike). */
export interface CodeMigration {
  readonly name: string;
  readonly up: readonly string[];
  readonly down: readonly string[];
}

/** A named, ordered set of migrations with its own Knex bookkeeping table (in `schemaName` when given). */
export interface MigrationSet {
  readonly name: string;
  readonly tableName: string;
  readonly schemaName?: string;
  readonly migrations: readonly CodeMigration[];
}

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

/** Knex's migrator configuration for a set. */
export function migratorConfig(set: MigrationSet): Knex.MigratorConfig {
  return {
    tableName: set.tableName,
    schemaName: set.schemaName,
    migrationSource: new CodeMigrationSource(set.migrations),
  };
}

/** Applies a set's pending migrations; returns their names as `<set>/<migration>`. */
export async function applyMigrationSet(knex: Knex, set: MigrationSet): Promise<string[]> {
  const [, names] = (await knex.migrate.latest(migratorConfig(set))) as [number, string[]];
  return names.map((name) => `${set.name}/${name}`);
}

/** A set's applied and pending migrations, as `<set>/<migration>`. */
export async function listMigrationSet(
  knex: Knex,
  set: MigrationSet,
): Promise<{ completed: string[]; pending: string[] }> {
  const [done, todo] = (await knex.migrate.list(migratorConfig(set))) as [
    Array<{ name: string } | string>,
    CodeMigration[],
  ];
  return {
    completed: done.map((m) => `${set.name}/${typeof m === 'string' ? m : m.name}`),
    pending: todo.map((m) => `${set.name}/${m.name}`),
  };
}

/** Rolls every migration of a set back. */
export async function rollbackMigrationSet(knex: Knex, set: MigrationSet): Promise<void> {
  await knex.migrate.rollback(migratorConfig(set), true);
}
