import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { FileJournal } from './file-journal.js';

/** What the manifest says of a file: its size and SHA-256, as computed while it was written. */
export interface FileDigest {
  bytes: number;
  sha256: string;
  /** The file's modification time when it was complete: a later change invalidates the digest. */
  mtimeMs: number;
}

/**
 * Digests of a run's files (keyed by its journal), by file identity (device and inode): a file
 * renamed or moved on the same file system keeps its digest. Writers hash what they write, so
 * the manifest does not read every file again (683 MB for a million-row CSV).
 */
const digestsOfRun = new WeakMap<FileJournal, Map<string, FileDigest>>();

const identity = (stats: { dev: number; ino: number }) => `${stats.dev}:${stats.ino}`;

/** Records the digest of the complete file at `path`, computed while it was written. */
export async function rememberFileDigest(journal: FileJournal, path: string, digest: FileDigest): Promise<void> {
  const digests = digestsOfRun.get(journal) ?? new Map<string, FileDigest>();
  digestsOfRun.set(journal, digests);
  digests.set(identity(await stat(path)), digest);
}

/**
 * Size and SHA-256 of the file at `path`: the digest remembered while it was written when it
 * still describes the file (same identity, size and modification time), else read from disk.
 */
export async function fileDigest(journal: FileJournal, path: string): Promise<{ bytes: number; sha256: string }> {
  const now = await stat(path);
  const known = digestsOfRun.get(journal)?.get(identity(now));
  if (known && known.bytes === now.size && known.mtimeMs === now.mtimeMs)
    return { bytes: known.bytes, sha256: known.sha256 };
  return { bytes: now.size, sha256: await sha256Of(path) };
}

export async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
