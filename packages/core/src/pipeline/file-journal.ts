import { randomBytes } from 'node:crypto';
import { closeSync, fdatasyncSync, fsyncSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { identityOf, JournalState, type JournalEntry } from './journal-state.js';
import { claimName, type NameCandidates } from './claim-name.js';
import type { ProcessIdentity } from '../engine/process-alive.js';

/** Who wrote a journal file: enough for a later run to tell whether that run is still alive. */
export interface JournalOwner extends ProcessIdentity {
  /** The run's `export_runs.id` and export guid (ids of another database must not match). */
  runId: number;
  exportGuid: string;
  /** ISO instant the journal was opened. */
  opened: string;
}

/** The name of a run's journal file inside its work folder. */
export const JOURNAL_FILE = 'journal.ndjson';

/**
 * Makes a run's files all-or-nothing. A file is written under a temporary name in its final
 * folder (`.name.tmp-<random>`), renamed when complete, and remembered; if the run fails,
 * `rollback()` removes every temporary file and every final file the run created, moves back
 * the files that existed before the run and that it moved (archive), and restores those it
 * removed (cleanFolder, a replaced file): such files are only set aside until the run ends.
 *
 * A journal opened with `FileJournal.persistent()` also writes each entry to a file (synced)
 * before the change it describes, so that when the process dies (SIGKILL, power loss, a second
 * Ctrl-C) a later run can read it back and finish the job: undo a failed or dead run, complete a
 * succeeded one (recoverAbandonedRuns).
 */
export class FileJournal {
  private readonly state = new JournalState();
  private fd: number | undefined;
  private logPath: string | undefined;
  private length = 0;

  /** Journals with a file, still open in this process: a second signal undoes them synchronously. */
  private static readonly live = new Set<FileJournal>();

  /** A journal that also records its entries in `logPath` (created; must not exist). */
  static persistent(logPath: string, owner: JournalOwner): FileJournal {
    const journal = new FileJournal();
    journal.fd = openSync(logPath, 'wx');
    journal.logPath = logPath;
    journal.write(owner);
    syncFolder(dirname(logPath)); // the journal's own name must survive a power loss too
    FileJournal.live.add(journal);
    return journal;
  }

  /** Reads a journal file back: its owner and the state its entries describe. */
  static read(logPath: string): { owner: JournalOwner; state: JournalState } {
    const journal = FileJournal.readIfStarted(logPath);
    if (!journal) throw new Error(`${logPath}: no journal, or its owner line is not whole`);
    return journal;
  }

  /**
   * As read(), but undefined when the file is missing or its first line (the owner, synced
   * before the run changes any file) is not whole: a kill came before the run had started.
   */
  static readIfStarted(logPath: string): { owner: JournalOwner; state: JournalState } | undefined {
    let lines: string[];
    let owner: JournalOwner;
    try {
      lines = readFileSync(logPath, 'utf8').split('\n');
      owner = JSON.parse(lines[0] ?? '') as JournalOwner;
    } catch {
      return undefined;
    }
    const state = new JournalState();
    const entries = lines.slice(1).filter((line) => line.trim() !== '');
    for (const [index, line] of entries.entries()) {
      let entry: JournalEntry;
      try {
        entry = JSON.parse(line) as JournalEntry;
      } catch (error) {
        // The last line may be cut short by the crash: the change it announced never started.
        if (index === entries.length - 1) break;
        throw new Error(`${logPath}: entry ${index + 1} is unreadable (${(error as Error).message})`, { cause: error });
      }
      state.apply(entry);
    }
    return { owner, state };
  }

  /**
   * Undoes, synchronously, every journal of this process that is still open (the runs in
   * progress): for a second interrupt, when there is no time left for anything asynchronous.
   */
  static undoAllNow(): void {
    for (const journal of FileJournal.live) {
      journal.state.undo();
      // Its file stays (as every journal's, until its work folder goes): an operation still in
      // flight may land after this undo; the next run's recovery replays the journal again.
      journal.close();
    }
  }

  /**
   * Called just before the run records its success: from then on an interrupt must not undo
   * the run (its outcome may already be committed); recovery settles it from export_runs.
   */
  detachFromInterrupts(): void {
    FileJournal.live.delete(this);
  }

  /** Closes the journal file and leaves it for the next run's recovery (the outcome is unknown). */
  leaveForRecovery(): void {
    this.close();
  }

  /** A temporary path beside `finalPath`, removed on rollback unless committed. */
  temporaryFor(finalPath: string): string {
    const temp = join(dirname(finalPath), `.${basename(finalPath)}.tmp-${randomBytes(4).toString('hex')}`);
    this.record({ t: 'temp', path: temp });
    return temp;
  }

  /**
   * Renames a completed temporary file to its final name, replacing what is there: only for a
   * name no other run can hold (the run's own work folder). In shared folders use claim().
   */
  async commit(tempPath: string, finalPath: string): Promise<void> {
    this.record({ t: 'publish', from: tempPath, to: finalPath, id: identityOf(tempPath) });
    await rename(tempPath, finalPath);
    this.state.temporary.delete(tempPath);
  }

  /**
   * Publishes a completed temporary file under the first free name of `candidate(1)`,
   * `candidate(2)`… (claimName: atomic, never replacing a file) and returns its final path.
   * Each attempt is recorded before it is made; one that finds the name taken is forgotten (and
   * undo would never remove that name anyway: it holds another file).
   */
  async claim(tempPath: string, candidate: NameCandidates): Promise<string> {
    const id = identityOf(tempPath);
    let tried: string | undefined;
    const finalPath = await claimName(tempPath, (attempt) => {
      if (tried !== undefined) this.forget(tried);
      tried = candidate(attempt);
      this.record({ t: 'publish', from: tempPath, to: tried, id });
      return tried;
    });
    this.state.temporary.delete(tempPath);
    return finalPath;
  }

  /**
   * Moves a file to the first free name of `candidate(1)`, `candidate(2)`… and returns where it
   * went. The file is first taken by a rename to a private name beside it (atomic: when two runs
   * move one earlier file, one gets it and the other ENOENT), then claimed like a published
   * file. Each step is recorded before it is made; on failure (EXDEV: the caller copies instead)
   * the file is put back where it was.
   */
  async moveClaiming(from: string, candidate: NameCandidates): Promise<string> {
    const taken = join(dirname(from), `.${basename(from)}.move-${randomBytes(4).toString('hex')}`);
    await this.move(from, taken);
    let tried: string | undefined;
    const back = (to: string) => {
      if (tried !== undefined) this.record({ t: 'move', from: tried, to });
      tried = undefined;
    };
    try {
      return await claimName(taken, (attempt) => {
        back(taken);
        tried = candidate(attempt);
        this.record({ t: 'move', from: taken, to: tried, id: identityOf(taken) });
        return tried;
      });
    } catch (error) {
      back(taken);
      await this.move(taken, from).catch(() => undefined);
      throw error;
    }
  }

  /** A created file the run removed again itself (packaged, moved). */
  forget(path: string): void {
    this.record({ t: 'forget', path });
  }

  createdFiles(): string[] {
    return [...this.state.created.keys()];
  }

  /** True when the run created the file at `path` (and has not forgotten it). */
  isCreated(path: string): boolean {
    return this.state.created.has(path);
  }

  /**
   * Renames `from` to `to`, recorded first. A file the run created stays the run's under its new
   * name (removed on rollback); a file that existed before the run is moved back on rollback.
   */
  async move(from: string, to: string): Promise<void> {
    let id;
    try {
      id = identityOf(from);
    } catch {
      id = undefined; // gone: the rename below fails with ENOENT
    }
    this.record({ t: 'move', from, to, id });
    try {
      await rename(from, to);
    } catch (error) {
      this.record({ t: 'move', from: to, to: from });
      throw error;
    }
  }

  /**
   * Records that `from` was renamed to `to` by other means. Prefer move(): a crash between the
   * rename and this record cannot be undone.
   */
  recordMove(from: string, to: string): void {
    this.record({ t: 'move', from, to });
  }

  /**
   * Removes a file only if the run succeeds. A file the run created is removed now; a file that
   * existed before is renamed to a temporary name beside itself, deleted when the run ends
   * (complete) and renamed back on rollback.
   */
  async removeOnSuccess(path: string): Promise<void> {
    if (this.state.created.has(path)) {
      this.forget(path);
      await rm(path, { force: true });
      return;
    }
    const aside = this.temporaryFor(path);
    await this.move(path, aside);
  }

  /** Records a folder the run created (mkdir); rollback removes it again if it is empty. */
  recordFolder(path: string): void {
    this.record({ t: 'folder', path });
  }

  /** Undoes the run's changes (see JournalState.undo) and closes the journal file. */
  async rollback(): Promise<string[]> {
    const problems = this.state.undo();
    this.close();
    return problems;
  }

  /**
   * Removes leftovers that are only scratch and the files set aside for removal, keeping
   * committed files; closes the journal file. Called when the run succeeded (after rollback on
   * failure it finds nothing left).
   */
  async discardTemporary(): Promise<void> {
    this.state.complete();
    this.close();
  }

  private record(entry: JournalEntry): void {
    this.write(entry);
    this.state.apply(entry);
  }

  /** Appends one entry, synced; a short write (full disk) is cut back off and thrown, before the change. */
  private write(entry: JournalEntry | JournalOwner): void {
    if (this.fd === undefined) return;
    const bytes = Buffer.from(`${JSON.stringify(entry)}\n`);
    const start = this.length;
    try {
      for (let done = 0; done < bytes.length;)
        done += writeSync(this.fd, bytes, done, bytes.length - done, start + done);
      fdatasyncSync(this.fd);
    } catch (error) {
      try {
        ftruncateSync(this.fd, start);
      } catch {
        // the entry is then the last, cut short: read() ignores it
      }
      throw error;
    }
    this.length = start + bytes.length;
  }

  /**
   * Closes the journal file but leaves it on disk: it goes with its work folder
   * (removeWorkFolder), so that a process killed before the folder is gone leaves a journal that
   * the next recovery settles, never a folder without one (taken for a live run's for an hour).
   */
  private close(): void {
    FileJournal.live.delete(this);
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.logPath = undefined;
  }
}

/** Makes a folder's entries (a new or renamed name in it) durable. */
export function syncFolder(folder: string): void {
  const fd = openSync(folder, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
