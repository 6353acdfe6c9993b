export {
  connect,
  fromPglite,
  describeTarget,
  parseTarget,
  pgTypeParsers,
  ACCEPTED_TARGETS,
  DEFAULT_PGLITE_DIR,
} from './connect.js';
export type { Database, ConnectOptions, ParsedTarget } from './connect.js';
export { DatabaseInUseError, lockPgliteFolder } from './pglite-folder-lock.js';
export { DatabaseTargetError } from './database-target-error.js';
export { migrate, migrationStatus, rollbackAll, MIGRATION_TABLES } from './migrate.js';
export { leastPrivilegeGrants, type LeastPrivilegeOptions } from './least-privilege.js';
export type { MigrateOptions, MigrationStatus } from './migrate.js';
export { syncIdentitySequences } from './identity.js';
export * from './schema.js';
