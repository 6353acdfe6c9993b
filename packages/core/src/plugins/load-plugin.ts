import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { existsSync, statSync } from 'node:fs';
import { ExportkitError } from '../errors/exportkit-error.js';
import type { PluginModule } from '../di/container.js';
import { recordOrigin } from '../di/origin.js';

/** A plugin that could not be found or does not export a ContainerModule. */
export class PluginLoadError extends ExportkitError {}

/**
 * Loads a plugin: a package name (resolved from `fromDir`) or a path (to a package folder or
 * to a module file). A package declares its module in package.json
 * (`"exportkit": { "plugin": "dist/index.js" }`, else its main entry); the module's default
 * export (or `plugin` export) is an inversify ContainerModule.
 */
export async function loadPlugin(specifier: string, fromDir: string): Promise<PluginModule> {
  const { entry, origin } = await resolvePluginEntry(specifier, fromDir);
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(pathToFileURL(entry).href)) as Record<string, unknown>;
  } catch (error) {
    throw new PluginLoadError(`plugin ${specifier}: cannot load ${entry}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const candidate = loaded['default'] ?? loaded['plugin'];
  if (!looksLikeModule(candidate)) {
    throw new PluginLoadError(
      `plugin ${specifier}: ${entry} must export a ContainerModule as default (pluginModule([...]) from @exportkit/core)`,
    );
  }
  // Start-up checks name the package a faulty contribution came from.
  recordOrigin(candidate, origin);
  return candidate;
}

/** The plugin's module file, and what to call the plugin in messages: its package name, else the specifier. */
async function resolvePluginEntry(specifier: string, fromDir: string): Promise<{ entry: string; origin: string }> {
  const isPath = specifier.startsWith('.') || isAbsolute(specifier);
  let packageDir: string;
  if (isPath) {
    const target = resolve(fromDir, specifier);
    if (!existsSync(target)) throw new PluginLoadError(`plugin ${specifier}: ${target} does not exist`);
    if (statSync(target).isFile()) return { entry: target, origin: (await packageNameAbove(target)) ?? specifier };
    packageDir = target;
  } else {
    const require = createRequire(join(fromDir, 'noop.js'));
    try {
      packageDir = dirname(require.resolve(`${specifier}/package.json`));
    } catch {
      let main: string;
      try {
        main = require.resolve(specifier);
      } catch {
        throw new PluginLoadError(`plugin ${specifier}: package not found from ${fromDir} (is it installed?)`);
      }
      packageDir = findPackageDir(main);
    }
  }
  const manifestPath = join(packageDir, 'package.json');
  if (!existsSync(manifestPath)) throw new PluginLoadError(`plugin ${specifier}: no package.json in ${packageDir}`);
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as {
    name?: string;
    exportkit?: { plugin?: string };
    main?: string;
  };
  const relative = manifest.exportkit?.plugin ?? manifest.main ?? 'index.js';
  const entry = join(packageDir, relative);
  if (!existsSync(entry)) throw new PluginLoadError(`plugin ${specifier}: entry ${entry} does not exist (not built?)`);
  return { entry, origin: manifest.name ?? specifier };
}

/**
 * The package whose plugin entry a module file is (a plugin passed by the path of its entry, as the
 * exportkit package passes its built-ins), so that messages name the package, not the file.
 */
async function packageNameAbove(file: string): Promise<string | undefined> {
  try {
    const packageDir = findPackageDir(file);
    const manifest = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as {
      name?: string;
      exportkit?: { plugin?: string };
      main?: string;
    };
    const entry = manifest.exportkit?.plugin ?? manifest.main ?? 'index.js';
    return resolve(packageDir, entry) === resolve(file) ? manifest.name : undefined;
  } catch {
    return undefined;
  }
}

function findPackageDir(file: string): string {
  let dir = dirname(file);
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new PluginLoadError(`no package.json above ${file}`);
    dir = parent;
  }
  return dir;
}

/** Duck-typed so a plugin built against another copy of inversify still loads. */
function looksLikeModule(value: unknown): value is PluginModule {
  return typeof value === 'object' && value !== null && typeof (value as { load?: unknown }).load === 'function';
}
