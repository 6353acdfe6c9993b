import PgBoss from 'pg-boss';
import pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { ENGINE_SCHEMA, EXPORT_RUNS, ExportkitError, scheduleProblem } from '@exportkit/core';
import type {
  ExportClaim,
  QueuedRun,
  RunFilter,
  RunHandler,
  RunExport,
  RunOutcome,
  RunProgress,
  RunQueue,
  RunRequest,
  RunState,
} from './run-queue.js';
import { RunAttempts } from './run-attempts.js';
import { failDeadRuns, holdLiveness } from './run-liveness.js';

/** The pg-boss queue every run goes through. */
export const RUN_QUEUE_NAME = 'exportkit-runs';
/** A template's schedule is a pg-boss schedule of its own queue (pg-boss keeps one schedule per queue). */
export const SCHEDULE_QUEUE_PREFIX = 'exportkit-schedule_';
/** pg-boss's tables live in their own schema, beside the engine's `exportkit`. */
export const QUEUE_SCHEMA = 'exportkit_queue';

export interface PgBossRunQueueOptions {
  /** The PostgreSQL server's URL (the primary: the queue is written to). */
  connectionString: string;
  /**
   * A run's time limit, in seconds: a run still going then is aborted (rolled back) and tried
   * again. Applies to runs enqueued through this queue. Default 3600. (A run whose worker died
   * is tried again sooner: its liveness lock is free.)
   */
  runTimeoutSeconds?: number;
  /** Attempts after the first one. Default 2. */
  retryLimit?: number;
  /** Seconds before a failed attempt is tried again. Default 5. */
  retryDelaySeconds?: number;
  /**
   * How often a working process looks for running runs whose worker died (their liveness lock is
   * free) and for runs whose time is up. Default 15.
   */
  superviseIntervalSeconds?: number;
  /**
   * How long after pg-boss hands a run out its liveness lock may still be missing (the attempt
   * takes it as its first step): younger runs are not looked at. Default 15.
   */
  livenessGraceSeconds?: number;
  /** How often an idle worker asks for a run. Default 2. */
  pollingIntervalSeconds?: number;
  /**
   * Listen to the progress every worker publishes (a PostgreSQL notification per run, at most
   * a few a second), so that status() and list() show how far running runs are: for the API.
   */
  followProgress?: boolean;
  /** How often schedules are looked at (by one process at a time) and new ones relayed. Default 30. */
  scheduleIntervalSeconds?: number;
}

/** A template's schedule: a cron expression in a time zone. */
export interface RunSchedule {
  template: string;
  cron: string;
  timeZone: string;
  /**
   * Set from the template's own `schedule:` key (syncTemplateSchedules): such a schedule follows
   * the key, and goes when the key goes. Absent for a schedule set by hand (`exportkit schedule
   * set`, `PUT /templates/:name/schedule`), which only a hand removes.
   */
  fromTemplate?: true;
}

/** Where schedules live (pg-boss's scheduler: PostgreSQL only). */
export interface RunSchedules {
  schedule(schedule: RunSchedule): Promise<void>;
  unschedule(template: string): Promise<void>;
  schedules(): Promise<RunSchedule[]>;
}

/**
 * The run queue on a PostgreSQL server, through pg-boss: any number of processes on any number of
 * machines enqueue and work on it (`FOR UPDATE SKIP LOCKED`); an export guid runs at most once at
 * a time through session advisory locks (claimExports); a run that fails, outlives its time limit
 * or whose worker died (its attempt's liveness lock is free: run-liveness.ts) is tried again.
 */
export class PgBossRunQueue implements RunQueue, RunSchedules {
  private readonly boss: PgBoss;
  private readonly attempts = new RunAttempts();
  private readonly relayed = new Set<string>();
  private relayTimer: NodeJS.Timeout | undefined;
  private superviseTimer: NodeJS.Timeout | undefined;
  private started: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  /** The last progress of running runs, from the workers' notifications (followProgress). */
  private readonly progress = new Map<string, RunProgress>();
  private listener: pg.Client | undefined;

  constructor(private readonly options: PgBossRunQueueOptions) {
    this.boss = new PgBoss({
      connectionString: options.connectionString,
      schema: QUEUE_SCHEMA,
      application_name: 'exportkit-queue',
      max: 4,
      maintenanceIntervalSeconds: options.superviseIntervalSeconds ?? SUPERVISE_INTERVAL_SECONDS,
      // A run's history is export_runs; the queue keeps its jobs a week for the API.
      archiveCompletedAfterSeconds: 7 * 24 * 3600,
      cronMonitorIntervalSeconds: options.scheduleIntervalSeconds ?? 30,
      cronWorkerIntervalSeconds: Math.min(options.scheduleIntervalSeconds ?? 5, 5),
    });
    this.boss.on('error', (error) => this.attempts.report(error));
  }

  /** Creates pg-boss's schema and the queue when missing (idempotent); every method calls it. */
  start(): Promise<void> {
    this.started ??= (async () => {
      await this.boss.start();
      if (!(await this.boss.getQueue(RUN_QUEUE_NAME))) {
        await this.boss.createQueue(RUN_QUEUE_NAME, { name: RUN_QUEUE_NAME, policy: 'standard' });
      }
      // Which export_runs rows each run's attempts recorded (one statement: created once, under a lock).
      await this.boss.getDb().executeSql(
        `DO $$ BEGIN
           PERFORM pg_advisory_xact_lock(hashtext('${RUN_EXPORTS}'));
           CREATE SCHEMA IF NOT EXISTS ${ENGINE_SCHEMA};
           CREATE TABLE IF NOT EXISTS ${RUN_EXPORTS} (
             job_id uuid NOT NULL, run_id bigint NOT NULL, export_name text NOT NULL, PRIMARY KEY (job_id, run_id));
         END $$`,
        [],
      );
      if (this.options.followProgress) await this.listenToProgress();
    })();
    return this.started;
  }

  /** `id`: the run's id, when the caller has one (a schedule's firing); a run of that id is enqueued once. */
  private async listenToProgress(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.connectionString });
    await client.connect();
    client.on('notification', ({ payload }) => {
      try {
        const { id, progress } = JSON.parse(payload ?? '') as { id: string; progress: RunProgress };
        this.progress.delete(id); // re-inserted last: the map stays in order of last news
        this.progress.set(id, progress);
        if (this.progress.size > MAX_FOLLOWED_RUNS) this.progress.delete(this.progress.keys().next().value!);
      } catch {
        // not one of ours
      }
    });
    client.on('error', (error) => this.attempts.report(error));
    await client.query(`LISTEN ${PROGRESS_CHANNEL}`);
    this.listener = client;
  }

  /** Publishes an attempt's progress to every listening process, at most every PROGRESS_EVERY_MS. */
  private progressPublisher(id: string): { report(progress: RunProgress): void; stop(): void } {
    let last = 0;
    let pending: RunProgress | undefined;
    let timer: NodeJS.Timeout | undefined;
    const publish = () => {
      timer = undefined;
      last = Date.now();
      const payload = JSON.stringify({ id, progress: pending });
      this.boss
        .getDb()
        .executeSql('SELECT pg_notify($1, $2)', [PROGRESS_CHANNEL, payload])
        .catch(() => undefined); // progress is news, not state: the next one will do
    };
    return {
      report: (progress) => {
        pending = progress;
        const wait = PROGRESS_EVERY_MS - (Date.now() - last);
        if (wait <= 0) publish();
        else timer ??= setTimeout(publish, wait);
      },
      stop: () => clearTimeout(timer),
    };
  }

  /** A run as the queue has it, with its progress when it runs and some is known. */
  private withProgress(run: QueuedRun): QueuedRun {
    const progress = run.state === 'running' ? this.progress.get(run.id) : undefined;
    return progress ? { ...run, progress } : run;
  }

  async linkExportRun(id: string, runId: number, exportName: string): Promise<void> {
    await this.boss
      .getDb()
      .executeSql(
        `INSERT INTO ${RUN_EXPORTS} (job_id, run_id, export_name) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
        [id, runId, exportName],
      );
  }

  async linkedExportRuns(id: string): Promise<Array<RunExport & { status: string }>> {
    try {
      const { rows } = await this.boss.getDb().executeSql(
        `SELECT l.run_id AS "runId", l.export_name AS name, r.rows, r.files, r.status
         FROM ${RUN_EXPORTS} l JOIN ${EXPORT_RUNS} r ON r.id = l.run_id
         WHERE l.job_id = $1 ORDER BY l.run_id`,
        [id],
      );
      return rows.map((row: { runId: string; name: string; rows: string; files: string[] | null; status: string }) => ({
        runId: Number(row.runId),
        name: row.name,
        rows: Number(row.rows),
        files: row.files ?? [],
        status: row.status,
      }));
    } catch (error) {
      if ((error as { code?: string }).code === '42P01') return []; // no export_runs yet: no run yet
      throw error;
    }
  }

  async enqueue(request: RunRequest, options: { id?: string } = {}): Promise<string> {
    await this.start();
    const id = await this.boss.send(
      RUN_QUEUE_NAME,
      { ...request },
      {
        ...options,
        expireInSeconds: this.options.runTimeoutSeconds ?? 3600,
        retryLimit: this.options.retryLimit ?? 2,
        retryDelay: this.options.retryDelaySeconds ?? 5,
      },
    );
    if (id) return id;
    // pg-boss skips a job whose id is taken: the run of that id is enqueued already.
    if (options.id) return options.id;
    throw new Error(`the run queue refused the run of ${request.template}`);
  }

  /**
   * Runs a template on a schedule (replacing its schedule): a cron expression (five fields, or
   * six with seconds) in an IANA time zone. pg-boss's scheduler fires it once however many
   * processes run (one of them looks at the schedules at a time, and a firing is kept once per
   * minute); a worker relays each firing into the run queue.
   */
  async schedule({ template, cron, timeZone, fromTemplate }: RunSchedule): Promise<void> {
    const problem = scheduleProblem(cron, timeZone);
    if (problem) throw new InvalidScheduleError(`schedule of ${template}: ${problem}`);
    await this.start();
    const queue = `${SCHEDULE_QUEUE_PREFIX}${template}`;
    if (!(await this.boss.getQueue(queue))) await this.boss.createQueue(queue, { name: queue, policy: 'standard' });
    await this.boss.schedule(queue, cron, fromTemplate ? { template, fromTemplate } : { template }, { tz: timeZone });
  }

  async unschedule(template: string): Promise<void> {
    await this.start();
    await this.boss.unschedule(`${SCHEDULE_QUEUE_PREFIX}${template}`);
  }

  async schedules(): Promise<RunSchedule[]> {
    await this.start();
    return (await this.boss.getSchedules())
      .filter((schedule) => schedule.name.startsWith(SCHEDULE_QUEUE_PREFIX))
      .map((schedule) => {
        const listed: RunSchedule = {
          template: schedule.name.slice(SCHEDULE_QUEUE_PREFIX.length),
          cron: schedule.cron,
          timeZone: (schedule as { timezone?: string }).timezone ?? 'UTC',
        };
        if ((schedule.data as { fromTemplate?: boolean } | undefined)?.fromTemplate) listed.fromTemplate = true;
        return listed;
      });
  }

  /**
   * Takes the firings of every schedule (looked for again every schedule interval) and enqueues a
   * run for each, under the firing's id: a firing taken twice (its relay died before completing
   * it) enqueues one run.
   */
  private async relaySchedules(): Promise<void> {
    for (const { template } of await this.schedules()) {
      const queue = `${SCHEDULE_QUEUE_PREFIX}${template}`;
      if (this.relayed.has(queue)) continue;
      this.relayed.add(queue);
      await this.boss.work<{ template: string }>(
        queue,
        { batchSize: 10, pollingIntervalSeconds: this.options.pollingIntervalSeconds ?? 2 },
        async (firings) => {
          for (const firing of firings) await this.enqueue({ template: firing.data.template }, { id: firing.id });
        },
      );
    }
  }

  async cancel(id: string): Promise<boolean> {
    await this.start();
    const job = await this.boss.getJobById<RunRequest>(RUN_QUEUE_NAME, id, { includeArchive: true });
    if (!job || ENDED.has(job.state)) return false;
    await this.boss.cancel(RUN_QUEUE_NAME, id);
    // Running here: abort at once; running elsewhere, its worker sees the cancellation when it next looks.
    this.attempts.abort(id, 'cancelled');
    return true;
  }

  async status(id: string): Promise<QueuedRun | undefined> {
    await this.start();
    if (!UUID.test(id)) return undefined;
    const job = await this.boss.getJobById<RunRequest>(RUN_QUEUE_NAME, id, { includeArchive: true });
    return job ? this.withProgress(queuedRun(job)) : undefined;
  }

  async list({ state, template, limit, offset }: RunFilter): Promise<QueuedRun[]> {
    await this.start();
    const states = state ? Object.keys(STATES).filter((s) => STATES[s as keyof typeof STATES] === state) : null;
    // pg-boss has no listing: its job table and archive, read with its own column names.
    const columns =
      'id, name, data, state, retry_count AS "retryCount", started_on AS "startedOn", created_on AS "createdOn", completed_on AS "completedOn", output';
    const where = `name = $1 AND ($2::text[] IS NULL OR state::text = ANY($2)) AND ($3::text IS NULL OR data->>'template' = $3)`;
    const { rows } = await this.boss.getDb().executeSql(
      `SELECT * FROM (
         SELECT ${columns} FROM ${QUEUE_SCHEMA}.job WHERE ${where}
         UNION ALL
         SELECT ${columns} FROM ${QUEUE_SCHEMA}.archive WHERE ${where}
       ) runs ORDER BY "createdOn" DESC, id LIMIT $4 OFFSET $5`,
      [RUN_QUEUE_NAME, states, template ?? null, limit, offset],
    );
    return rows.map((row) => this.withProgress(queuedRun(row as PgBoss.JobWithMetadata<RunRequest>)));
  }

  async work(handler: RunHandler, { concurrency }: { concurrency: number }): Promise<void> {
    await this.start();
    for (let i = 0; i < concurrency; i++) {
      await this.boss.work<RunRequest>(
        RUN_QUEUE_NAME,
        { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: this.options.pollingIntervalSeconds ?? 2 },
        async ([job]) => {
          if (!job) return undefined;
          const publisher = this.progressPublisher(job.id);
          try {
            return await this.attempts.run(job.id, job.expireInSeconds, async (signal) => {
              // First step: a worker that dies lets its lock go, and a supervisor retries its run.
              const liveness = await holdLiveness(
                this.options.connectionString,
                JOB_TABLE,
                job.id,
                job.retryCount,
                (error) => {
                  this.attempts.report(error);
                  this.attempts.abort(job.id, 'liveness lock lost');
                },
              );
              try {
                return await this.watchCancellation(job.id, () =>
                  handler({ id: job.id, request: job.data, signal, report: publisher.report }),
                );
              } finally {
                await liveness.release();
              }
            });
          } finally {
            publisher.stop();
          }
        },
      );
    }
    await this.relaySchedules();
    this.relayTimer = setInterval(
      () => void this.relaySchedules().catch((error: Error) => this.attempts.report(error)),
      (this.options.scheduleIntervalSeconds ?? 30) * 1000,
    );
    this.relayTimer.unref();
    this.superviseTimer = setInterval(
      () => void this.retryDeadRuns().catch((error: Error) => this.attempts.report(error)),
      (this.options.superviseIntervalSeconds ?? SUPERVISE_INTERVAL_SECONDS) * 1000,
    );
    this.superviseTimer.unref();
  }

  /**
   * Gives back to the queue the running runs whose worker is gone (their liveness lock is free),
   * through pg-boss's fail: tried again under the retry policy; the next run on the data directory
   * closes the dead attempt's export_runs row and rolls its files back (the engine's recovery).
   */
  async retryDeadRuns(): Promise<string[]> {
    await this.start();
    return failDeadRuns(
      this.options.connectionString,
      JOB_TABLE,
      RUN_QUEUE_NAME,
      this.options.livenessGraceSeconds ?? LIVENESS_GRACE_SECONDS,
      (id, db) =>
        this.boss.fail(RUN_QUEUE_NAME, id, { message: 'the worker died (its liveness lock was free)' }, { db }),
    );
  }

  /** Aborts the attempt when the run is cancelled from any process (its job's state says so). */
  private async watchCancellation(id: string, body: () => Promise<RunOutcome>): Promise<RunOutcome> {
    const timer = setInterval(() => {
      this.boss
        .getJobById(RUN_QUEUE_NAME, id)
        .then((job) => {
          if (job?.state === 'cancelled') this.attempts.abort(id, 'cancelled');
        })
        .catch(() => undefined); // looked at again next time
    }, CANCELLATION_CHECK_MS);
    try {
      return await body();
    } finally {
      clearInterval(timer);
    }
  }

  async claimExports(guids: readonly string[], signal: AbortSignal): Promise<ExportClaim> {
    // A session lock lives with its connection: one connection per claim, held for the attempt.
    const client = new pg.Client({ connectionString: this.options.connectionString });
    await client.connect();
    const keys = [...new Set(guids)].sort().map((guid) => `exportkit-run:${guid}`);
    const unlock = async (taken: readonly string[]) => {
      for (const key of taken) await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]);
    };
    try {
      for (;;) {
        const taken: string[] = [];
        for (const key of keys) {
          const { rows } = await client.query<{ locked: boolean }>(
            'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked',
            [key],
          );
          if (!rows[0]?.locked) break;
          taken.push(key);
        }
        if (taken.length === keys.length) break;
        await unlock(taken);
        await sleep(CLAIM_RETRY_MS, undefined, { signal });
      }
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    return {
      release: async () => {
        // Ending the session releases its locks, whatever state the connection is in.
        await client.end().catch(() => undefined);
      },
    };
  }

  /** Idempotent: a second call waits for the first. */
  close({ timeoutMs = 30_000 }: { timeoutMs?: number } = {}): Promise<void> {
    this.closing ??= this.stop(timeoutMs);
    return this.closing;
  }

  private async stop(timeoutMs: number): Promise<void> {
    if (!this.started) return;
    await this.started.catch(() => undefined);
    clearInterval(this.relayTimer);
    clearInterval(this.superviseTimer);
    await this.boss.offWork(RUN_QUEUE_NAME);
    for (const queue of this.relayed) await this.boss.offWork(queue);
    const settled = await this.attempts.settle(timeoutMs);
    await this.untilRecorded(settled);
    await this.boss.stop({ graceful: false, wait: true });
    await this.listener?.end().catch(() => undefined);
  }

  /**
   * pg-boss records an attempt's end (complete, or fail: tried again) without waiting for it:
   * before its connections close, wait until the attempts that ended here are no longer active,
   * and fail the ones still active after a while (they are tried again) rather than leave them to
   * their time limit.
   */
  private async untilRecorded(ids: readonly string[]): Promise<void> {
    const deadline = Date.now() + RECORD_WAIT_MS;
    let active = [...ids];
    while (active.length > 0 && Date.now() < deadline) {
      const states = await Promise.all(active.map((id) => this.boss.getJobById(RUN_QUEUE_NAME, id)));
      active = active.filter((_id, i) => states[i]?.state === 'active');
      if (active.length > 0) await sleep(100);
    }
    for (const id of active) await this.boss.fail(RUN_QUEUE_NAME, id, { message: 'the worker stopped' });
  }

  /** Errors pg-boss reports in the background (a lost connection while polling). */
  onError(listener: (error: Error) => void): void {
    this.attempts.onError(listener);
  }
}

/** A schedule whose cron expression or time zone is not understood. */
export class InvalidScheduleError extends ExportkitError {
  override readonly exitCode = 2;
}

const CANCELLATION_CHECK_MS = 1000;
const JOB_TABLE = `${QUEUE_SCHEMA}.job`;
/** Well above the time from pg-boss handing a run out to its attempt holding the liveness lock. */
const LIVENESS_GRACE_SECONDS = 15;
const SUPERVISE_INTERVAL_SECONDS = 15;
const CLAIM_RETRY_MS = 250;
const RECORD_WAIT_MS = 5000;
const PROGRESS_CHANNEL = 'exportkit_run_progress';
/** The link from a run (a pg-boss job) to the export_runs rows of its attempts. */
const RUN_EXPORTS = `${ENGINE_SCHEMA}.queue_run_exports`;
const PROGRESS_EVERY_MS = 250;
const MAX_FOLLOWED_RUNS = 10_000;
const ENDED = new Set(['completed', 'cancelled', 'failed']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const STATES: Record<PgBoss.JobWithMetadata['state'], RunState> = {
  created: 'queued',
  retry: 'queued',
  active: 'running',
  completed: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
};

function queuedRun(job: PgBoss.JobWithMetadata<RunRequest>): QueuedRun {
  const output = (job.output ?? {}) as Partial<RunOutcome> & { message?: string };
  const run: QueuedRun = {
    id: job.id,
    template: job.data.template,
    state: STATES[job.state],
    attempts: job.startedOn ? job.retryCount + 1 : 0,
    createdAt: job.createdOn,
  };
  if (job.data.now) run.now = job.data.now;
  if (job.startedOn) run.startedAt = job.startedOn;
  if (job.completedOn) run.finishedAt = job.completedOn;
  if (Array.isArray(output.exports)) run.exports = output.exports;
  if (typeof output.templateVersion === 'number') run.templateVersion = output.templateVersion;
  if (typeof output.message === 'string') run.error = output.message;
  return run;
}
