import { randomUUID } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import type { ExportClaim, QueuedRun, RunExport, RunFilter, RunHandler, RunQueue, RunRequest } from './run-queue.js';
import { RunAttempts } from './run-attempts.js';

export interface InProcessRunQueueOptions {
  /** A run's time limit in seconds: a run still going then is aborted (rolled back). Default 3600. */
  runTimeoutSeconds?: number;
}

/**
 * The run queue of one process, for the embedded PGlite database: PGlite is one process's
 * database (its folder is locked) with a single connection, so it cannot host pg-boss, whose
 * workers need concurrent connections and `FOR UPDATE SKIP LOCKED` across processes. Same
 * interface as PgBossRunQueue; the queue lives in memory, so runs still queued are lost with the
 * process (a run that was going is closed by the engine's recovery at the next run), and a failed
 * run is not tried again (in one process a failure is not a lost worker).
 */
export class InProcessRunQueue implements RunQueue {
  private readonly runs = new Map<string, QueuedRun>();
  private readonly waiting: string[] = [];
  private readonly attempts = new RunAttempts();
  private readonly held = new Set<string>();
  private readonly changes = new EventEmitter();
  private handler: RunHandler | undefined;
  private concurrency = 0;
  private closing = false;

  constructor(private readonly options: InProcessRunQueueOptions = {}) {
    this.changes.setMaxListeners(0);
  }

  async enqueue(request: RunRequest): Promise<string> {
    if (this.closing) throw new Error('the run queue is shutting down; it takes no new runs');
    const id = randomUUID();
    const run: QueuedRun = { id, template: request.template, state: 'queued', attempts: 0, createdAt: new Date() };
    if (request.now) run.now = request.now;
    this.runs.set(id, run);
    this.waiting.push(id);
    this.pump();
    return id;
  }

  async cancel(id: string): Promise<boolean> {
    const run = this.runs.get(id);
    if (!run || (run.state !== 'queued' && run.state !== 'running')) return false;
    if (run.state === 'queued') this.waiting.splice(this.waiting.indexOf(id), 1);
    run.state = 'cancelled';
    run.finishedAt = new Date();
    delete run.progress;
    this.attempts.abort(id, 'cancelled');
    return true;
  }

  async status(id: string): Promise<QueuedRun | undefined> {
    const run = this.runs.get(id);
    return run && { ...run };
  }

  // One process, no retries: no attempt comes after a dead one.
  async linkExportRun(): Promise<void> {}

  async linkedExportRuns(): Promise<Array<RunExport & { status: string }>> {
    return [];
  }

  async list({ state, template, limit, offset }: RunFilter): Promise<QueuedRun[]> {
    return [...this.runs.values()]
      .filter((run) => (!state || run.state === state) && (!template || run.template === template))
      .reverse()
      .slice(offset, offset + limit)
      .map((run) => ({ ...run }));
  }

  async work(handler: RunHandler, { concurrency }: { concurrency: number }): Promise<void> {
    this.handler = handler;
    this.concurrency = concurrency;
    this.pump();
  }

  async claimExports(guids: readonly string[], signal: AbortSignal): Promise<ExportClaim> {
    const wanted = [...new Set(guids)];
    while (wanted.some((guid) => this.held.has(guid))) await once(this.changes, 'released', { signal });
    for (const guid of wanted) this.held.add(guid);
    return {
      release: async () => {
        for (const guid of wanted) this.held.delete(guid);
        this.changes.emit('released');
      },
    };
  }

  async close({ timeoutMs = 30_000 }: { timeoutMs?: number } = {}): Promise<void> {
    this.closing = true;
    await this.attempts.settle(timeoutMs);
  }

  /** Starts waiting runs while there is room. */
  private pump(): void {
    while (this.handler && !this.closing && this.attempts.size < this.concurrency && this.waiting.length) {
      this.start(this.handler, this.waiting.shift()!);
    }
  }

  private start(handler: RunHandler, id: string): void {
    const run = this.runs.get(id)!;
    const request: RunRequest = { template: run.template, ...(run.now ? { now: run.now } : {}) };
    run.state = 'running';
    run.attempts += 1;
    run.startedAt = new Date();
    void this.attempts
      .run(id, this.options.runTimeoutSeconds ?? 3600, (signal) =>
        handler({
          id,
          request,
          signal,
          report: (progress) => {
            if (run.state === 'running') run.progress = progress;
          },
        }),
      )
      .then(
        (outcome) => {
          delete run.progress;
          if (run.state === 'running') run.state = 'succeeded';
          run.exports = outcome.exports;
          if (outcome.templateVersion !== undefined) run.templateVersion = outcome.templateVersion;
        },
        (error: unknown) => {
          delete run.progress;
          if (run.state === 'running') run.state = 'failed';
          run.error = error instanceof Error ? error.message : String(error);
        },
      )
      .finally(() => {
        run.finishedAt = new Date();
        this.pump();
      });
  }
}
