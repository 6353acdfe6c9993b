export { connect, fromPglite, describeTarget, parseTarget, pgTypeParsers, ACCEPTED_TARGETS, DEFAULT_PGLITE_DIR } from './connect.js';
export type { Database, ConnectOptions, ParsedTarget } from './connect.js';
export { DatabaseTargetError } from './database-target-error.js';
export { migrate, migrationStatus, rollbackAll } from './migrate.js';
export type { MigrateOptions, MigrationStatus } from './migrate.js';
export { syncIdentitySequences } from './identity.js';
export * from './schema.js';
export { seed, REGISTRATIONS_PER_LEARNER } from './seed/seed.js';
export type { SeedOptions, SeedProgress, SeedSummary } from './seed/seed.js';
