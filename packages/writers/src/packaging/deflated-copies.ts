import { stat } from 'node:fs/promises';
import type { FileJournal } from '@exportkit/core';
import type { DeflatedCopy } from '../output/deflating-file-output.js';

/**
 * Deflated copies of a run's report files (keyed by its journal), by file identity (device and
 * inode): a file renamed or moved on the same file system (moveToFolder) keeps its copy.
 */
const copiesOfRun = new WeakMap<FileJournal, Map<string, DeflatedCopy>>();

const identity = (stats: { dev: number; ino: number }) => `${stats.dev}:${stats.ino}`;

export async function rememberDeflatedCopy(journal: FileJournal, path: string, copy: DeflatedCopy): Promise<void> {
  const copies = copiesOfRun.get(journal) ?? new Map<string, DeflatedCopy>();
  copiesOfRun.set(journal, copies);
  copies.set(identity(await stat(path)), copy);
}

/**
 * The deflated copy of the file at `path`, when it still describes the file: the same file,
 * with the size and modification time it had when it was written (a step that rewrote or
 * replaced it makes the package compress it again instead).
 */
export async function deflatedCopyOf(journal: FileJournal, path: string): Promise<DeflatedCopy | undefined> {
  const now = await stat(path).catch(() => undefined);
  if (!now?.isFile()) return undefined;
  const copy = copiesOfRun.get(journal)?.get(identity(now));
  return copy && now.size === copy.size && now.mtimeMs === copy.mtimeMs ? copy : undefined;
}
