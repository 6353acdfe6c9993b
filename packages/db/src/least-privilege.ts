import { ENGINE_SCHEMA, ENGINE_TABLES } from '@exportkit/core';
import { REFERENCE_TABLES } from './schema.js';
import { MIGRATION_TABLES } from './migrate.js';

export interface LeastPrivilegeOptions {
  /** The schema holding the reference tables (default `public`). */
  schema?: string;
  /**
   * Delta mode: membership of pg_read_all_stats, so that the run sees every session's open
   * transaction when it takes its delta mark (without it the mark cannot advance safely).
   */
  deltaMode?: boolean;
}

/**
 * The statements that give `role` exactly what running exports needs, and nothing more:
 * reading the reference tables, recording runs in `exportkit.export_runs` (INSERT, UPDATE, and
 * SELECT for delta marks and recovery; its identity sequence) and their deliveries in
 * `exportkit.export_deliveries` (the same), reading the migration bookkeeping
 * of both schemas so that the engine and `exportkit db migrate` can tell that nothing is pending.
 * Creating or changing tables (migrations) stays with the owner. Identifiers are quoted; the role
 * must exist.
 */
export function leastPrivilegeGrants(role: string, options: LeastPrivilegeOptions = {}): string[] {
  const schema = options.schema ?? 'public';
  const id = (name: string) => `"${name.replace(/"/g, '""')}"`;
  const table = (name: string) => `${id(schema)}.${id(name)}`;
  const engineTable = (name: string) => `${id(ENGINE_SCHEMA)}.${id(name)}`;
  const grantee = id(role);
  const [exportRuns, exportDeliveries, ...engineBookkeeping] = ENGINE_TABLES;
  const statements = [
    `GRANT USAGE ON SCHEMA ${id(schema)} TO ${grantee}`,
    `GRANT SELECT ON ${REFERENCE_TABLES.map(table).join(', ')} TO ${grantee}`,
    `GRANT SELECT ON ${MIGRATION_TABLES.map(table).join(', ')} TO ${grantee}`,
    `GRANT USAGE ON SCHEMA ${id(ENGINE_SCHEMA)} TO ${grantee}`,
    `GRANT SELECT, INSERT, UPDATE ON ${engineTable(exportRuns)}, ${engineTable(exportDeliveries)} TO ${grantee}`,
    `GRANT USAGE ON SEQUENCE ${engineTable(`${exportRuns}_id_seq`)}, ${engineTable(`${exportDeliveries}_id_seq`)} TO ${grantee}`,
    `GRANT SELECT ON ${engineBookkeeping.map(engineTable).join(', ')} TO ${grantee}`,
  ];
  if (options.deltaMode) statements.push(`GRANT pg_read_all_stats TO ${grantee}`);
  return statements;
}
