import { realpathSync, existsSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { ExportkitError } from '../errors/exportkit-error.js';

/** A template path that is absolute or leaves the data directory. */
export class UnsafePathError extends ExportkitError {}

/**
 * Resolves template paths inside the engine's data directory. Absolute paths, `..` that
 * climbs out, and symbolic links pointing outside are refused with the option named.
 */
export class DataPaths {
  readonly root: string;

  constructor(dataDir: string) {
    this.root = resolve(dataDir);
  }

  resolve(path: string, option: string): string {
    if (isAbsolute(path)) throw new UnsafePathError(`${option}: "${path}" is absolute; paths are relative to the data directory ${this.root}`);
    const target = resolve(this.root, path);
    if (!isInside(this.root, target)) throw new UnsafePathError(`${option}: "${path}" leaves the data directory ${this.root}`);
    // The longest existing prefix must not be a symbolic link out of the data directory.
    let existing = target;
    while (!existsSync(existing) && existing !== this.root) existing = dirname(existing);
    const realRoot = existsSync(this.root) ? realpathSync(this.root) : this.root;
    const real = existsSync(existing) ? realpathSync(existing) : existing;
    if (!isInside(realRoot, real)) throw new UnsafePathError(`${option}: "${path}" leads through a symbolic link out of the data directory ${this.root}`);
    return target;
  }
}

function isInside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (!rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel));
}
