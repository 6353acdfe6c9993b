import { randomBytes } from 'node:crypto';
import { rename, rm, rmdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { claimName, type NameCandidates } from './claim-name.js';

/**
 * Makes a run's files all-or-nothing. A file is written under a temporary name in its final
 * folder (`.name.tmp-<random>`), renamed when complete, and remembered; if the run fails,
 * `rollback()` removes every temporary file and every final file the run created, moves back
 * the files that existed before the run and that it moved (archive), and restores those it
 * removed (cleanFolder, a replaced file): such files are only set aside until the run ends.
 */
export class FileJournal {
  private readonly temporary = new Set<string>();
  private readonly created = new Set<string>();
  /** Files that existed before the run, by where they are now → where they were. */
  private readonly moved = new Map<string, string>();
  /** Folders the run created, removed on rollback when empty. */
  private readonly folders: string[] = [];

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

  /**
   * Publishes a completed temporary file under the first free name of `candidate(1)`,
   * `candidate(2)`… (claimName: atomic, never replacing a file) and returns its final path.
   */
  async claim(tempPath: string, candidate: NameCandidates): Promise<string> {
    const finalPath = await claimName(tempPath, candidate);
    this.temporary.delete(tempPath);
    this.created.add(finalPath);
    return finalPath;
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

  /** True when the run created the file at `path` (and has not forgotten it). */
  isCreated(path: string): boolean {
    return this.created.has(path);
  }

  /**
   * Records that the run renamed `from` to `to`. A file the run created stays the run's under its
   * new name (removed on rollback); a file that existed before the run is moved back on rollback.
   */
  recordMove(from: string, to: string): void {
    if (this.created.delete(from)) {
      this.created.add(to);
      return;
    }
    const original = this.moved.get(from) ?? from;
    this.moved.delete(from);
    this.moved.set(to, original);
  }

  /**
   * Removes a file only if the run succeeds. A file the run created is removed now; a file that
   * existed before is renamed to a temporary name beside itself, deleted when the run ends
   * (discardTemporary) and renamed back on rollback.
   */
  async removeOnSuccess(path: string): Promise<void> {
    if (this.created.delete(path)) {
      await rm(path, { force: true });
      return;
    }
    const aside = this.temporaryFor(path);
    await rename(path, aside);
    this.recordMove(path, aside);
  }

  /** Records a folder the run created (mkdir); rollback removes it again if it is empty. */
  recordFolder(path: string): void {
    this.folders.push(path);
  }

  async rollback(): Promise<void> {
    // Created files first, so that restoring an earlier file never meets one of this run's.
    await Promise.all([...this.created].map((path) => rm(path, { force: true, recursive: true }).catch(() => undefined)));
    for (const [current, original] of [...this.moved].reverse()) {
      await rename(current, original).catch(() => undefined);
      this.temporary.delete(current);
    }
    await Promise.all([...this.temporary].map((path) => rm(path, { force: true, recursive: true }).catch(() => undefined)));
    for (const folder of [...this.folders].reverse()) await rmdir(folder).catch(() => undefined);
    this.temporary.clear();
    this.created.clear();
    this.moved.clear();
    this.folders.length = 0;
  }

  /**
   * Removes leftovers that are only scratch (the work folder) and the files set aside for
   * removal, keeping committed files. Called when the run ends, after rollback on failure.
   */
  async discardTemporary(): Promise<void> {
    await Promise.all([...this.temporary].map((path) => rm(path, { force: true, recursive: true }).catch(() => undefined)));
    this.temporary.clear();
    this.moved.clear();
  }
}
