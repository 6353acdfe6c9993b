import { linkSync, lstatSync, rmdirSync, rmSync, unlinkSync } from 'node:fs';

/*
 * What a run did to the file system, as a list of entries, and the two ways to end it: undo
 * (the run failed or died) and complete (the run succeeded). The same state is built in memory
 * by a live run and read back from its journal file by a later run after a crash, so both go
 * through one replay and one undo. Every entry is recorded BEFORE the file-system change it
 * describes; undo therefore meets changes that may or may not have happened, and checks what is
 * on disk before acting: a file is removed only when it is still the very file the run made
 * (same device and inode), an earlier file is moved back only when it is still where the run put
 * it and nothing took its old place.
 */

/**
 * A file's identity: a path may come to name another file; ours keeps its inode and its birth
 * time through renames and links. The birth time tells a new file apart when the file system
 * reuses a freed inode at once (ext4 does); where it is not kept (0), device and inode decide.
 */
export interface FileIdentity {
  dev: number;
  ino: number;
  /** Birth time in nanoseconds, as text (0 where the file system does not keep it). */
  born?: string;
}

export type JournalEntry =
  /** A scratch or temporary file the run is about to create (random name, the run's alone). */
  | { t: 'temp'; path: string }
  /** A complete file of the run about to be published at `to` (rename or link from `from`). */
  | { t: 'publish'; from: string; to: string; id: FileIdentity }
  /** A file about to be renamed (the run's own, or an earlier one the run moves or sets aside), with its identity. */
  | { t: 'move'; from: string; to: string; id?: FileIdentity }
  /** A file the run made and then removed or packaged itself: no longer one of its results. */
  | { t: 'forget'; path: string }
  /** A folder the run created; removed on undo when empty. */
  | { t: 'folder'; path: string };

/** The run's effect on disk, derived from its entries. */
export class JournalState {
  readonly temporary = new Set<string>();
  /** The run's own final files, by where they are now. */
  readonly created = new Map<string, FileIdentity | undefined>();
  /** Every path a file of the run has had, with its identity: undo removes what still matches. */
  readonly ownPaths: Array<{ path: string; id: FileIdentity | undefined }> = [];
  /** Earlier files the run moved, by where they are now → where they were (and which file it is). */
  readonly moved = new Map<string, { original: string; id: FileIdentity | undefined }>();
  readonly folders: string[] = [];

  apply(entry: JournalEntry): void {
    switch (entry.t) {
      case 'temp':
        this.temporary.add(entry.path);
        return;
      case 'publish':
        // The temporary file stays listed: removed on undo/complete if the publish never happened.
        this.created.set(entry.to, entry.id);
        this.ownPaths.push({ path: entry.to, id: entry.id });
        return;
      case 'move': {
        if (this.created.has(entry.from)) {
          const id = this.created.get(entry.from);
          this.created.delete(entry.from);
          this.created.set(entry.to, id);
          this.ownPaths.push({ path: entry.to, id });
          return;
        }
        const earlier = this.moved.get(entry.from) ?? { original: entry.from, id: entry.id };
        this.moved.delete(entry.from);
        if (entry.to !== earlier.original)
          this.moved.set(entry.to, { original: earlier.original, id: earlier.id ?? entry.id });
        return;
      }
      case 'forget':
        this.created.delete(entry.path);
        return;
      case 'folder':
        this.folders.push(entry.path);
        return;
    }
  }

  /**
   * Undoes the run: its files removed (only those still its own), earlier files moved back,
   * temporary files removed, the folders it created removed when empty. Idempotent, synchronous
   * (so it also runs from a signal handler), and it never throws: it returns what it could not do.
   */
  undo(): string[] {
    const problems: string[] = [];
    const attempt = (what: string, work: () => void) => {
      try {
        work();
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT') problems.push(`${what}: ${(error as Error).message}`);
      }
    };
    // The run's own files first, so that moving an earlier file back never meets one of them.
    for (const { path, id } of this.ownPaths) {
      attempt(`remove ${path}`, () => {
        if (id === undefined || sameFile(path, id)) rmSync(path, { force: true, recursive: true });
      });
    }
    for (const [current, { original, id }] of [...this.moved].reverse()) {
      attempt(`restore ${original}`, () => {
        // Only the very file the run moved (a name may hold another run's file by now), and
        // never over a file that took its old name meanwhile: link, then drop the moved name.
        if (!exists(current) || (id !== undefined && !sameFile(current, id))) return;
        try {
          linkSync(current, original);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
          if (!sameFile(original, identityOf(current)))
            throw new Error(`${original} is taken by another file; the earlier file stays at ${current}`, {
              cause: error,
            });
        }
        unlinkSync(current);
      });
      this.temporary.delete(current);
    }
    for (const path of this.temporary) attempt(`remove ${path}`, () => rmSync(path, { force: true, recursive: true }));
    for (const folder of [...this.folders].reverse()) {
      try {
        rmdirSync(folder);
      } catch {
        // not empty (someone else's files) or already gone: keep it
      }
    }
    this.clear();
    return problems;
  }

  /** Completes a succeeded run: the files set aside for removal and any leftover temporary file go. */
  complete(): string[] {
    const problems: string[] = [];
    for (const path of this.temporary) {
      try {
        rmSync(path, { force: true, recursive: true });
      } catch (error) {
        problems.push(`remove ${path}: ${(error as Error).message}`);
      }
    }
    this.clear();
    return problems;
  }

  private clear(): void {
    this.temporary.clear();
    this.created.clear();
    this.ownPaths.length = 0;
    this.moved.clear();
    this.folders.length = 0;
  }
}

export function identityOf(path: string): FileIdentity {
  const stats = lstatSync(path, { bigint: true });
  return { dev: Number(stats.dev), ino: Number(stats.ino), born: String(stats.birthtimeNs) };
}

function sameFile(path: string, id: FileIdentity): boolean {
  try {
    const now = identityOf(path);
    return (
      now.dev === id.dev && now.ino === id.ino && (id.born === undefined || id.born === '0' || now.born === id.born)
    );
  } catch {
    return false;
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
