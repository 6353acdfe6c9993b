// Everything of @exportkit/core, with the batteries-included createEngine in place of core's.
export * from '@exportkit/core';
export { createEngine, BUILTIN_PLUGINS, type ExportkitEngineOptions } from './create-engine.js';
export {
  connect,
  describeTarget,
  migrate,
  migrationStatus,
  leastPrivilegeGrants,
  DatabaseTargetError,
} from '@exportkit/db';
