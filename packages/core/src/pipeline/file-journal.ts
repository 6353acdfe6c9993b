import { randomBytes } from 'node:crypto';
import { closeSync, fdatasyncSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { identityOf, JournalState, type JournalEntry } from './journal-state.js';
import { claimName, type NameCandidates } from './claim-name.js';

/** Who wrote a journal file: enough for a later run to tell whether that run is still alive. */
export interface JournalOwner {
  /** The run's `export_runs.id`. */
  runId: number;
  pid: number;
  host: string;
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

  /** Journals with a file, still open in this process: a second signal undoes them synchronously. */
  private static readonly live = new Set<FileJournal>();

  /** A journal that also records its entries in `logPath` (created; must not exist). */
  static persistent(logPath: string, owner: JournalOwner): FileJournal {
    const journal = new FileJournal();
    journal.fd = openSync(logPath, 'wx');
    journal.logPath = logPath;
    journal.write(owner);
    FileJournal.live.add(journal);
    return journal;
  }

  /** Reads a journal file back: its owner and the state its entries describe. */
  static read(logPath: string): { owner: JournalOwner; state: JournalState } {
    const lines = readFileSync(logPath, 'utf8').split('\n');
    const owner = JSON.parse(lines[0] ?? '') as JournalOwner;
    const state = new JournalState();
    for (const line of lines.slice(1)) {
      if (line.trim() === '') continue;
      try {
        state.apply(JSON.parse(line) as JournalEntry);
      } catch {
        break; // a line cut short by the crash: the change it announced never started
      }
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
      journal.close(true);
    }
  }

  /** A temporary path beside `finalPath`, removed on rollback unless committed. */
  temporaryFor(finalPath: string): string {
    const temp = join(dirname(finalPath), `.${basename(finalPath)}.tmp-${randomBytes(4).toString('hex')}`);
    this.record({ t: 'temp', path: temp });
    return temp;
  }

  /** Renames a completed temporary file to its final name. */
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
   * Moves a file to the first free name of `candidate(1)`, `candidate(2)`… (claimed atomically)
   * and returns where it went; each attempt is recorded before it is made, and taken back when
   * the name was taken or the move failed (EXDEV: the caller copies instead).
   */
  async moveClaiming(from: string, candidate: NameCandidates): Promise<string> {
    let tried: string | undefined;
    const back = () => {
      if (tried !== undefined) this.record({ t: 'move', from: tried, to: from });
      tried = undefined;
    };
    try {
      return await claimName(from, (attempt) => {
        back();
        tried = candidate(attempt);
        this.record({ t: 'move', from, to: tried });
        return tried;
      });
    } catch (error) {
      back();
      throw error;
    }
  }

  /** Records a file (or folder) the run created by other means (e.g. a move). */
  recordCreated(path: string): void {
    this.record({ t: 'created', path, id: identityOf(path) });
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
    this.record({ t: 'move', from, to });
    await rename(from, to);
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
  async rollback(): Promise<void> {
    this.state.undo();
    this.close(true);
  }

  /**
   * Removes leftovers that are only scratch and the files set aside for removal, keeping
   * committed files; closes the journal file. Called when the run succeeded (after rollback on
   * failure it finds nothing left).
   */
  async discardTemporary(): Promise<void> {
    this.state.complete();
    this.close(true);
  }

  private record(entry: JournalEntry): void {
    this.write(entry);
    this.state.apply(entry);
  }

  private write(entry: JournalEntry | JournalOwner): void {
    if (this.fd === undefined) return;
    writeSync(this.fd, `${JSON.stringify(entry)}\n`);
    fdatasyncSync(this.fd);
  }

  /** Closes (and removes, once the run's outcome is final on disk) the journal file. */
  private close(remove: boolean): void {
    FileJournal.live.delete(this);
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    if (remove && this.logPath) rmSync(this.logPath, { force: true });
    this.logPath = undefined;
  }
}
