import { posix } from 'node:path';
import { ExportkitError } from '@exportkit/core';

/** A file whose name cannot be an archive entry (it would climb out, or name no file). */
export class UnsafeEntryNameError extends ExportkitError {}

/**
 * The name an archive entry gets for a relative file name, as extractors will read it: `\` is a
 * separator (archiver writes it as `/`, and Windows tools split on it), `.` segments go and `..`
 * folds into its folder (`a\..\b.txt` → `b.txt`). A name that would still climb out of the
 * archive (`a\..\..\b.txt` → `../b.txt`), is absolute, starts with a drive or scheme (`c:`) or
 * names a folder is refused, saying which file: archiver would silently rewrite it, and an
 * extractor could write outside its target. `what` names where the file comes from.
 */
export function archiveEntryName(name: string, what: string): string {
  const entry = posix.normalize(name.replace(/\\/g, '/'));
  const refuse = (why: string) =>
    new UnsafeEntryNameError(
      `${what}: the file "${name}" would be the archive entry "${entry}", which ${why}; rename it`,
    );
  if (entry === '..' || entry.startsWith('../')) throw refuse('climbs out of the archive');
  if (entry.startsWith('/')) throw refuse('is absolute');
  if (/^\w+:/.test(entry)) throw refuse('starts with a drive or scheme');
  if (entry === '.' || entry.endsWith('/')) throw refuse('names a folder, not a file');
  return entry;
}

/** Refuses two entries of one name (two files normalised alike): the manifest lists each entry once. */
export function checkDistinctEntries(names: readonly string[], what: string): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name))
      throw new UnsafeEntryNameError(`${what}: two files would both be the archive entry "${name}"; rename one`);
    seen.add(name);
  }
}
