import { link, open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ExportkitError } from '../errors/exportkit-error.js';

/** The names a step offers for one file, best first: `candidate(1)`, `candidate(2)`… */
export type NameCandidates = (attempt: number) => string;

/** More attempts than any folder has files of one name: a bound, not a limit anyone meets. */
const MAX_ATTEMPTS = 100_000;

/**
 * Publishes the complete file `source` under the first of `candidate(1)`, `candidate(2)`… that
 * nobody holds, and returns that path. The name is claimed atomically: `link()` creates the final
 * name only if it does not exist (EEXIST → next candidate), so two processes at the same instant
 * never get the same name and an existing file is never replaced; `source` is unlinked after.
 * Where the file system has no hard links, the name is created exclusively (`O_EXCL`) and the
 * file renamed onto that placeholder of its own (a reader may then see it empty for an instant).
 */
export async function claimName(source: string, candidate: NameCandidates): Promise<string> {
  await syncFile(source); // the content is on disk before any name says the file is complete
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const target = candidate(attempt);
    if (await claimOne(source, target)) {
      await syncFile(dirname(target)); // and so is its new name
      return target;
    }
  }
  throw new ExportkitError(`no free name for ${candidate(1)} after ${MAX_ATTEMPTS} attempts`);
}

async function claimOne(source: string, target: string): Promise<boolean> {
  try {
    await link(source, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
    return claimWithoutLink(source, target);
  }
  await unlink(source);
  return true;
}

/** fsync of a file or folder (a folder: its entries). */
async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function claimWithoutLink(source: string, target: string): Promise<boolean> {
  try {
    await (await open(target, 'wx')).close();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await rename(source, target);
  } catch (error) {
    await unlink(target).catch(() => undefined);
    throw error;
  }
  return true;
}
