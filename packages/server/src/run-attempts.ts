import type { RunOutcome } from './run-queue.js';

/** How long before its time limit an attempt is aborted (at most a tenth of the limit). */
const TIME_LIMIT_MARGIN_MS = 5000;

/** Why an attempt was aborted: the error its run fails with says so. */
export type AbortReason = 'cancelled' | 'time limit' | 'shutting down' | 'liveness lock lost';

/**
 * The attempts running in this process: each with its AbortController (cancel, time limit,
 * shutdown), so that a queue can abort one by id and a shutdown can wait for them, then abort
 * what is left and wait for the rollbacks.
 */
export class RunAttempts {
  private readonly running = new Map<string, { controller: AbortController; done: Promise<unknown> }>();
  private readonly errorListeners: Array<(error: Error) => void> = [];

  /**
   * Runs an attempt; aborts it a little before `timeoutSeconds` (the queue tries it again), so
   * that it has ended, rolled back or succeeded, before the queue gives its job to another worker.
   */
  async run(id: string, timeoutSeconds: number, body: (signal: AbortSignal) => Promise<RunOutcome>) {
    const controller = new AbortController();
    const limitMs = timeoutSeconds * 1000;
    const timer = setTimeout(
      () => this.abort(id, 'time limit'),
      limitMs - Math.min(TIME_LIMIT_MARGIN_MS, limitMs / 10),
    );
    const done = body(controller.signal);
    this.running.set(id, { controller, done: done.catch(() => undefined) });
    try {
      return await done;
    } finally {
      clearTimeout(timer);
      this.running.delete(id);
    }
  }

  abort(id: string, reason: AbortReason): void {
    this.running.get(id)?.controller.abort(new Error(`run ${id}: ${reason}`));
  }

  get size(): number {
    return this.running.size;
  }

  /**
   * Waits up to `timeoutMs` for the running attempts, aborts the rest and waits for them to roll
   * back. Returns the ids of the attempts that were running.
   */
  async settle(timeoutMs: number): Promise<string[]> {
    const ids = [...this.running.keys()];
    const all = () => Promise.all([...this.running.values()].map((attempt) => attempt.done));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([all(), timedOut]);
    clearTimeout(timer);
    for (const id of this.running.keys()) this.abort(id, 'shutting down');
    await all();
    return ids;
  }

  onError(listener: (error: Error) => void): void {
    this.errorListeners.push(listener);
  }

  report(error: Error): void {
    for (const listener of this.errorListeners) listener(error);
  }
}
