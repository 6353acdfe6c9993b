import { closeSync, openSync, readFileSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { currentProcess, isProcessAlive, type ProcessIdentity } from '@exportkit/core';

/** The embedded database's folder is open in another process. */
export class DatabaseInUseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseInUseError';
  }
}

interface Holder extends ProcessIdentity {
  since: string;
  command: string;
}

/**
 * Claims a PGlite folder for this process. PGlite is PostgreSQL in one process, without the
 * server that would make several processes safe: two processes on one folder each believe they
 * own it, and one's writes are lost. The claim is a file beside the folder (`<folder>.lock`),
 * created exclusively, holding the owner's pid, host and command; a second process is refused
 * with the holder named. A lock left by a dead process of this host (SIGKILL) is taken over.
 * Returns the release function (also run at process exit).
 */
export function lockPgliteFolder(folder: string): () => void {
  const lockPath = `${folder}.lock`;
  const me: Holder = { ...currentProcess(), since: new Date().toISOString(), command: process.argv.slice(1).join(' ') };
  for (let attempt = 0; attempt < 50; attempt += 1) {
    try {
      const fd = openSync(lockPath, 'wx');
      try {
        writeSync(fd, JSON.stringify(me));
      } finally {
        closeSync(fd);
      }
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off('exit', release);
        try {
          if ((JSON.parse(readFileSync(lockPath, 'utf8')) as Holder).pid === process.pid) unlinkSync(lockPath);
        } catch {
          // already gone
        }
      };
      process.on('exit', release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const text = readText(lockPath);
    if (text === undefined) continue; // released meanwhile: try again
    const holder = parseHolder(text);
    if (!holder && ageMs(lockPath) < UNREADABLE_GRACE_MS) {
      pause(50); // being written by its creator
      continue;
    }
    if (holder && (holder.host !== me.host || isProcessAlive(holder))) throw inUse(folder, lockPath, holder);
    takeOverStale(lockPath, text);
  }
  throw new DatabaseInUseError(
    `the embedded database ${folder} is being opened by other processes at this very moment; try again`,
  );
}

/**
 * Removes a dead holder's lock file, but only that one. Takeovers are serialised by a second
 * file created exclusively (`.takeover`): under it the lock is read again and removed only if it
 * still holds the dead holder's text, so a fresh lock another process just made is never
 * removed. A takeover file left by a process killed in that instant is old: removed after 10 s.
 */
function takeOverStale(lockPath: string, staleText: string): void {
  const guard = `${lockPath}.takeover`;
  try {
    closeSync(openSync(guard, 'wx'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if (ageMs(guard) > UNREADABLE_GRACE_MS) rmSync(guard, { force: true });
    else pause(20);
    return; // try again from the start
  }
  try {
    if (readText(lockPath) === staleText) unlinkSync(lockPath);
  } finally {
    rmSync(guard, { force: true });
  }
}

function inUse(folder: string, lockPath: string, holder: Holder): DatabaseInUseError {
  return new DatabaseInUseError(
    `the embedded database ${folder} is in use by process ${holder.pid} on ${holder.host} since ${holder.since} ` +
      `(${holder.command || 'unknown command'}); PGlite allows one process at a time: wait for it to end, ` +
      `or use a PostgreSQL server (--db postgres://…). If that process is gone, remove ${lockPath}.`,
  );
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** A lock file is written right after it is created; one still unreadable after this is garbage. */
const UNREADABLE_GRACE_MS = 10_000;

function parseHolder(text: string): Holder | undefined {
  try {
    const holder = JSON.parse(text) as Holder;
    return typeof holder.pid === 'number' ? holder : undefined;
  } catch {
    return undefined;
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
