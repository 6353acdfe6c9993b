/** A request to run a template: its name in the template folder, and the run's reference instant. */
export interface RunRequest {
  template: string;
  /** ISO-8601 instant: the run's `now` (time frames, file names); default: when the run starts. */
  now?: string;
}

/** Where a queued run is: waiting (first time or for a retry), running, or one of its ends. */
export const RUN_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type RunState = (typeof RUN_STATES)[number];

/** One export of a run, as `exportkit.export_runs` recorded it. */
export interface RunExport {
  /** The `export_runs` row of the export's run. */
  runId: number;
  name: string;
  rows: number;
  files: string[];
}

/** What a job's handler returns when the engine's run succeeded (also the job's stored output). */
export interface RunOutcome {
  exports: RunExport[];
  /** The version of the stored template that ran (`--template-store db`). */
  templateVersion?: number;
}

/** How far a running run is: its current export, phase and rows so far (and the planner's estimate). */
export interface RunProgress {
  export: string;
  phase?: string;
  rows: number;
  /** The planner's estimate of the export's rows (an estimate: the real count may differ). */
  estimate?: number;
}

/** A queued run as a host sees it. */
export interface QueuedRun {
  id: string;
  template: string;
  now?: string;
  state: RunState;
  /** Attempts started so far (a retried run has more than one). */
  attempts: number;
  createdAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
  /** While it runs: how far it is (as its worker last reported it). */
  progress?: RunProgress;
  /** The exports of the attempt that succeeded. */
  exports?: RunExport[];
  /** The version of the stored template that succeeded (`--template-store db`). */
  templateVersion?: number;
  /** Why the last attempt failed. */
  error?: string;
}

/** Which runs `list` gives. */
export interface RunFilter {
  state?: RunState;
  template?: string;
  limit: number;
  offset: number;
}

/** What a worker's handler is given for one attempt of a run. */
export interface RunAttempt {
  id: string;
  request: RunRequest;
  /** Aborted when the run is cancelled or its time is up: the engine rolls the run back. */
  signal: AbortSignal;
  /** Tells the queue how far the run is (the API shows it); cheap to call on every batch. */
  report(progress: RunProgress): void;
}

export type RunHandler = (attempt: RunAttempt) => Promise<RunOutcome>;

/** Keeps the runs of one export guid apart: released when the attempt ends. */
export interface ExportClaim {
  release(): Promise<void>;
}

/**
 * The queue of runs a host enqueues into and workers take from. Two implementations share it:
 * pg-boss on a PostgreSQL server (any number of worker processes, on any number of machines),
 * and an in-process queue for the embedded PGlite, which one process owns and which cannot host
 * pg-boss (its queue needs concurrent connections and `FOR UPDATE SKIP LOCKED` from several
 * processes).
 */
export interface RunQueue {
  enqueue(request: RunRequest): Promise<string>;
  /** Cancels a queued run, or aborts a running one (its worker rolls it back); false when it had ended. */
  cancel(id: string): Promise<boolean>;
  status(id: string): Promise<QueuedRun | undefined>;
  /**
   * Remembers that an attempt of run `id` recorded the `export_runs` row `runId`, so that a later
   * attempt (its worker died after the export succeeded, before the queue heard of it) knows.
   */
  linkExportRun(id: string, runId: number, exportName: string): Promise<void>;
  /** The `export_runs` rows earlier attempts of run `id` recorded, with their outcome. */
  linkedExportRuns(id: string): Promise<Array<RunExport & { status: string }>>;
  /** Runs, newest first. */
  list(filter: RunFilter): Promise<QueuedRun[]>;
  /** Starts taking runs: `concurrency` at a time in this process. */
  work(handler: RunHandler, options: { concurrency: number }): Promise<void>;
  /**
   * Waits until no other attempt holds any of these export guids, then holds them until
   * released, so that an export guid runs at most once at a time across every worker.
   */
  claimExports(guids: readonly string[], signal: AbortSignal): Promise<ExportClaim>;
  /** Stops taking runs, waits for the running ones up to `timeoutMs`, aborts what is left; then closes. */
  close(options?: { timeoutMs?: number }): Promise<void>;
}
