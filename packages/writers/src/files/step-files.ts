import { copyFile, lstat, mkdir, readdir, rm } from 'node:fs/promises';
import { existsSync, lstatSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import type { NameCandidates, RunContext } from '@exportkit/core';
import type { FileNameValues } from '../actions/file-name-pattern.js';
import { numberedName } from './name-candidates.js';

export { extensionOf, numberedCandidates, patternCandidates } from './name-candidates.js';
export { pathProblems } from '@exportkit/core';

/*
 * What the file steps (consolidators, packager, default package) share: template paths
 * checked and resolved inside the data directory, folders created through the journal, and
 * moves, replacements and removals that a failed run undoes.
 */

/** The values file name patterns of a run expand to. */
export function patternValues(context: RunContext): FileNameValues {
  return { now: context.now, timeZone: context.timeZone, guid: context.exportGuid, name: context.exportName };
}

/**
 * The static check of file name patterns, for `check()`: written text holding a path separator
 * or `..` is refused at validation time (what tokens expand to is checked when the run expands them).
 */
export function namePatternProblems(
  options: Readonly<Record<string, unknown>>,
  step: string,
  names: readonly string[],
): string[] {
  const problems: string[] = [];
  for (const name of names) {
    const value = options[name];
    if (typeof value !== 'string') continue;
    const literal = value.replace(/%[ymdHMSgni%]/g, '\u0000');
    if (/[\\/]/.test(literal) || literal.includes('..')) {
      problems.push(`${step}.${name}: pattern "${value}" holds a path separator or ".."; it names a file, not a path`);
    }
  }
  return problems;
}

/** A template path resolved inside the data directory; absolute, `..` and symlinks out are refused. */
export function dataPath(context: RunContext, path: string, option: string): string {
  return context.paths.resolve(path, option);
}

/**
 * Creates a folder (and its parents). The folders this creates are recorded in the journal so
 * a failed run removes them again when they are empty. The path guard runs before and again
 * after the folder exists (open time): a symbolic link out of the data directory, planted
 * before or meanwhile, is refused before anything is written into it.
 */
export async function ensureFolder(context: RunContext, folder: string, what = 'folder'): Promise<void> {
  context.paths.guard(folder, what);
  const missing: string[] = [];
  for (let dir = folder; !existsSync(dir); dir = dirname(dir)) {
    missing.unshift(dir);
    if (dirname(dir) === dir) break;
  }
  await mkdir(folder, { recursive: true });
  for (const dir of missing) context.journal.recordFolder(dir);
  context.paths.guard(folder, what);
}

/** True when `path` is `folder` or inside it. */
export function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * `name`, or `name-2`, `name-3`… (before the extension) until `taken` says no: for names inside
 * one run (archive entries, the run's own scratch folder); names in shared folders are claimed
 * instead (`numberedCandidates`, `journal.claim`).
 */
export function numbered(name: string, taken: (candidate: string) => boolean): string {
  for (let attempt = 1; ; attempt += 1) {
    const candidate = numberedName(name, attempt);
    if (!taken(candidate)) return candidate;
  }
}

/** Whether a path exists, symbolic links included (lstat, so a dangling link counts). */
export async function pathExists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/** Whether a path exists, synchronously (for name patterns' `%i`); links count, dangling or not. */
export function pathExistsSync(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Publishes a completed temporary file under the first free name of `candidate` (claimed
 * atomically, never replacing a file) and returns its final path.
 */
export async function placeFile(context: RunContext, tempPath: string, candidate: NameCandidates): Promise<string> {
  return context.journal.claim(tempPath, candidate);
}

/**
 * Moves a file to the first free name of `candidate` (claimed atomically, never replacing a
 * file) and returns where it went, recording the move in the journal: a file of this run stays
 * the run's (removed on failure), a file that existed before is moved back on failure. A file
 * already at its first name stays there. Across file systems the file is copied under a
 * temporary name and claimed, then the source removed.
 */
export async function moveFile(context: RunContext, from: string, candidate: NameCandidates): Promise<string> {
  const { journal } = context;
  if (candidate(1) === from) return from;
  try {
    return await journal.moveClaiming(from, candidate);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
  }
  const temp = journal.temporaryFor(candidate(1));
  await copyFile(from, temp);
  const to = await journal.claim(temp, candidate);
  if (journal.isCreated(from)) {
    await rm(from, { force: true });
    journal.forget(from);
  } else {
    await journal.removeOnSuccess(from);
  }
  return to;
}

/** Removes a file of this run now, or an earlier file only once the run succeeded. */
export async function removeFile(context: RunContext, path: string): Promise<void> {
  if (context.journal.isCreated(path)) {
    await rm(path, { force: true });
    context.journal.forget(path);
  } else {
    await context.journal.removeOnSuccess(path);
  }
}

export interface ListedFile {
  path: string;
  /** Path relative to the listed folder, with `/` separators. */
  name: string;
  mtimeMs: number;
  size: number;
}

/**
 * Regular files of a folder (recursively when asked), skipping hidden entries (temporary files
 * `.name.tmp-…`, the engine's `.exportkit-work`) and symbolic links, which are never followed.
 * A missing folder has no files.
 */
export async function listFiles(folder: string, options: { recursive?: boolean } = {}): Promise<ListedFile[]> {
  const out: ListedFile[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    let entries: string[];
    try {
      entries = await readdir(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries.sort()) {
      if (entry.startsWith('.')) continue;
      const path = join(dir, entry);
      const stats = await lstat(path).catch(() => undefined);
      if (!stats) continue;
      if (stats.isDirectory()) {
        if (options.recursive) await walk(path, `${prefix}${entry}/`);
      } else if (stats.isFile()) {
        out.push({ path, name: `${prefix}${entry}`, mtimeMs: stats.mtimeMs, size: stats.size });
      }
    }
  };
  await walk(folder, '');
  return out;
}

/** A name safe for a file: the export name with anything unusual replaced by `_`. */
export function safeFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_') || 'export';
}
