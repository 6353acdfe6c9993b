import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Who a process is, well enough to tell later whether it is still running: a pid alone may be
 * reused (a restarted container gets the same pid again), so the process's start time since
 * boot and the boot's id are kept with it where the system tells them (Linux /proc).
 */
export interface ProcessIdentity {
  pid: number;
  host: string;
  /** Start time in clock ticks since boot (/proc/<pid>/stat, field 22). */
  startTicks?: number;
  /** /proc/sys/kernel/random/boot_id. */
  bootId?: string;
}

/** The boot id and start time of a process as one text (`export_runs.process_start`), or null. */
export function processStartText(identity: ProcessIdentity): string | null {
  return identity.startTicks === undefined ? null : `${identity.bootId ?? ''}:${identity.startTicks}`;
}

/** A ProcessIdentity from a pid, host and processStartText() as stored. */
export function processFromText(pid: number, host: string, start: string | null): ProcessIdentity {
  if (!start) return { pid, host };
  const at = start.lastIndexOf(':');
  return { pid, host, bootId: start.slice(0, at) || undefined, startTicks: Number(start.slice(at + 1)) };
}

/** This process's identity. */
export function currentProcess(): ProcessIdentity {
  return { pid: process.pid, host: hostname(), startTicks: startTicksOf(process.pid), bootId: bootId() };
}

/**
 * Whether the process `owner` names is still running on this host: a live pid with another start
 * time, or a different boot, is another process (the owner is gone). Signal 0 checks without
 * signalling (EPERM: it exists, owned by another user).
 */
export function isProcessAlive(owner: number | ProcessIdentity): boolean {
  const {
    pid,
    startTicks,
    bootId: ownerBoot,
  } = typeof owner === 'number' ? ({ pid: owner } as ProcessIdentity) : owner;
  if (ownerBoot !== undefined && bootId() !== undefined && ownerBoot !== bootId()) return false;
  if (startTicks !== undefined) {
    const now = startTicksOf(pid);
    if (now !== undefined) return now === startTicks;
  }
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function startTicksOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]); // field 22 overall
    return Number.isFinite(ticks) ? ticks : undefined;
  } catch {
    return undefined;
  }
}

let cachedBootId: string | undefined | null = null;
function bootId(): string | undefined {
  if (cachedBootId === null) {
    try {
      cachedBootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      cachedBootId = undefined;
    }
  }
  return cachedBootId;
}
