import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { JOURNAL_FILE } from '../pipeline/file-journal.js';

/** The data directory's folder for runs' scratch files and journals. */
export const WORK_FOLDER = '.exportkit-work';

/** The ending of a work folder being removed: its run is over and nothing in it is needed. */
const REMOVING = '.removing';

/** A work folder renamed by removeWorkFolder: whatever is left of it can go at once. */
export function isBeingRemoved(entry: string): boolean {
  return entry.endsWith(REMOVING);
}

/**
 * Removes the work folder of a run that is over. It is first renamed, in one step, to a name
 * that says so: a process killed in the middle of the removal leaves a folder that the next
 * recovery removes at once, never a folder that has lost its journal and so looks like one a
 * live run is just making (such folders are kept for an hour).
 */
export async function removeWorkFolder(folder: string): Promise<void> {
  const removing = `${folder}${REMOVING}`;
  try {
    await rename(folder, removing);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    // Cannot be renamed: its journal goes first, so that what is left can never be replayed
    // against a row that changes later (a failed delivery marks a succeeded run failed).
    await rm(join(folder, JOURNAL_FILE), { force: true });
    await rm(folder, { recursive: true, force: true });
    return;
  }
  await rm(removing, { recursive: true, force: true });
}
