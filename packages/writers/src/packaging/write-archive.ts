import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import type { Archiver } from 'archiver';
import { archiveEntryName, checkDistinctEntries, UnsafeEntryNameError } from './entry-name.js';

/** The archive kinds the packager (and the default package, zip) write. */
export type ArchiveType = 'zip' | 'tar' | 'tgz';

export const ARCHIVE_EXTENSIONS: Readonly<Record<ArchiveType, string>> = { zip: '.zip', tar: '.tar', tgz: '.tgz' };

export interface ArchiveEntry {
  /** Name inside the archive (`/` separators). */
  name: string;
  /** A file on disk, or the entry's content. */
  path?: string;
  content?: string | Buffer;
}

/**
 * Writes an archive of the entries to `target` (a temporary path the caller renames).
 * Compression level 1, as for the default package: compression then runs beside the database
 * instead of bounding the run (ARCHITECTURE.md, "Performance"). An abort `signal` stops it at
 * once (a large package takes seconds; an interrupted run must not wait for it).
 */
export async function writeArchive(
  type: ArchiveType,
  target: string,
  entries: readonly ArchiveEntry[],
  signal?: AbortSignal,
): Promise<void> {
  signal?.throwIfAborted();
  // The names are written exactly as given (so the manifest lists the entries there are): each
  // must already be its own normal form (archiveEntryName), and no two alike.
  for (const { name } of entries) {
    if (archiveEntryName(name, 'archive') !== name)
      throw new UnsafeEntryNameError(`archive: entry "${name}" is not normalised`);
  }
  checkDistinctEntries(
    entries.map((e) => e.name),
    'archive',
  );
  // Imported here, not at the top: archiver costs ~0.2 s of start-up that commands writing no package never use.
  const { TarArchive, ZipArchive } = await import('archiver');
  const archive: Archiver =
    type === 'zip'
      ? new ZipArchive({ zlib: { level: 1 } })
      : new TarArchive(type === 'tgz' ? { gzip: true, gzipOptions: { level: 1 } } : {});
  const output = createWriteStream(target);
  const failed = new Promise<never>((_, reject) => {
    archive.on('error', reject);
    archive.on('warning', reject); // a missing source file is a failure, not a smaller archive
    output.on('error', reject);
    signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
  failed.catch(() => undefined);
  const closed = finished(output);
  closed.catch(() => undefined);
  archive.pipe(output);
  for (const entry of entries) {
    if (entry.path !== undefined) archive.file(entry.path, { name: entry.name });
    else archive.append(entry.content ?? '', { name: entry.name });
  }
  try {
    await Promise.race([archive.finalize(), failed]);
    await Promise.race([closed, failed]);
  } catch (error) {
    archive.abort();
    output.destroy();
    await closed.catch(() => undefined);
    throw error;
  }
}
