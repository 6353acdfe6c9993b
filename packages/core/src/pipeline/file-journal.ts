import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Makes a run's files all-or-nothing. A file is written under a temporary name in its final
 * folder (`.name.tmp-<random>`), renamed when complete, and remembered; if the run fails,
 * `rollback()` removes every temporary file and every final file the run created.
 */
export class FileJournal {
  private readonly temporary = new Set<string>();
  private readonly created = new Set<string>();

  /** A temporary path beside `finalPath`, removed on rollback unless committed. */
  temporaryFor(finalPath: string): string {
    const temp = join(dirname(finalPath), `.${basename(finalPath)}.tmp-${randomBytes(4).toString('hex')}`);
    this.temporary.add(temp);
    return temp;
  }

  /** Renames a completed temporary file to its final name. */
  async commit(tempPath: string, finalPath: string): Promise<void> {
    await rename(tempPath, finalPath);
    this.temporary.delete(tempPath);
    this.created.add(finalPath);
  }

  /** Records a file (or folder) the run created by other means (e.g. a move). */
  recordCreated(path: string): void {
    this.created.add(path);
  }

  /** A created file the run removed again itself (packaged, moved). */
  forget(path: string): void {
    this.created.delete(path);
  }

  createdFiles(): string[] {
    return [...this.created];
  }

  async rollback(): Promise<void> {
    const all = [...this.temporary, ...this.created];
    await Promise.all(all.map((path) => rm(path, { force: true, recursive: true }).catch(() => undefined)));
    this.temporary.clear();
    this.created.clear();
  }

  /** Removes leftovers that are only scratch (the work folder), keeping committed files. */
  async discardTemporary(): Promise<void> {
    await Promise.all([...this.temporary].map((path) => rm(path, { force: true, recursive: true }).catch(() => undefined)));
    this.temporary.clear();
  }
}
