import { fileURLToPath } from 'node:url';
import { createEngine as createCoreEngine, type Engine, type EngineOptions } from '@exportkit/core';
import { connect } from '@exportkit/db';

/** The plugins the exportkit package brings: its file formats and packaging, the delivery steps, and the consolidated-tracking provider. */
export const BUILTIN_PLUGINS = [
  '@exportkit/writers',
  '@exportkit/delivery',
  '@exportkit/plugin-consolidated-tracking',
] as const;

export interface ExportkitEngineOptions extends EngineOptions {
  /** Load BUILTIN_PLUGINS first (default true). */
  builtinPlugins?: boolean;
}

/**
 * The engine with its batteries: the built-in plugins, and database targets (`postgres://…`,
 * `file:PATH` and `memory:` for the embedded PGlite, or nothing for `.exportkit/pglite`) unless
 * the host passes its own `knex`.
 */
export function createEngine(options: ExportkitEngineOptions = {}): Engine {
  const { builtinPlugins, ...engineOptions } = options;
  // Resolved from this package, not from the host's folder: the host need not install them itself.
  const builtins =
    builtinPlugins === false ? [] : BUILTIN_PLUGINS.map((name) => fileURLToPath(import.meta.resolve(name)));
  return createCoreEngine({ connect, ...engineOptions, plugins: [...builtins, ...(options.plugins ?? [])] });
}
