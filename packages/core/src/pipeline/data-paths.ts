import { existsSync, lstatSync, readlinkSync, realpathSync } from 'node:fs';
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
    if (isAbsolute(path))
      throw new UnsafePathError(
        `${option}: "${path}" is absolute; paths are relative to the data directory ${this.root}`,
      );
    const target = resolve(this.root, path);
    if (!isInside(this.root, target))
      throw new UnsafePathError(`${option}: "${path}" leaves the data directory ${this.root}`);
    if (!this.reallyInside(target))
      throw new UnsafePathError(
        `${option}: "${path}" leads through a symbolic link out of the data directory ${this.root}`,
      );
    return target;
  }

  /**
   * The same guard for a path the engine chose itself (the work folder, the default package's
   * folder) and for a folder about to be written to, at open time: a path inside the data
   * directory must not lead through a symbolic link out of it — checked on its longest existing
   * part, so calling it again once the folder exists catches a link planted meanwhile. A path
   * outside the data directory (an explicit `--out`) is its own root and is returned as is.
   */
  guard(target: string, what: string): string {
    const absolute = resolve(target);
    if (isInside(this.root, absolute) && !this.reallyInside(absolute)) {
      throw new UnsafePathError(
        `${what}: "${relative(this.root, absolute)}" leads through a symbolic link out of the data directory ${this.root}`,
      );
    }
    return absolute;
  }

  /**
   * The longest existing prefix of `target` (a link counts, dangling or not), followed through
   * links, is inside the real root. A dangling link is followed to where it points (its target
   * may be created through it), at most MAX_LINKS deep, as the system would.
   */
  private reallyInside(target: string, depth = 0): boolean {
    let existing = target;
    while (!entryExists(existing) && existing !== this.root && dirname(existing) !== existing)
      existing = dirname(existing);
    const realRoot = existsSync(this.root) ? realpathSync(this.root) : this.root;
    if (!entryExists(existing)) return isInside(realRoot, existing);
    try {
      return isInside(realRoot, realpathSync(existing));
    } catch {
      const stats = lstatSync(existing, { throwIfNoEntry: false });
      // Gone since it was seen (another run removed an empty work folder): walk again from the target.
      if (!stats) return depth < MAX_LINKS && this.reallyInside(target, depth + 1);
      if (depth >= MAX_LINKS || !stats.isSymbolicLink()) return false;
      return this.reallyInside(resolve(dirname(existing), readlinkSync(existing)), depth + 1);
    }
  }
}

/** Links followed before giving up, as Linux's ELOOP limit. */
const MAX_LINKS = 40;

function isInside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (!rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel));
}

function entryExists(path: string): boolean {
  try {
    return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false; // a parent that is a file (ENOTDIR): nothing exists there
  }
}
