import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PgBoss from 'pg-boss';
import { createEngine, type Engine } from 'exportkit';
import { PgBossRunQueue, QUEUE_SCHEMA, RUN_QUEUE_NAME, runWorker, TemplateFolder } from '@exportkit/server';
import { postgresAvailable, scratchDatabase, type ScratchDatabase } from '../support/databases.js';
import { createDemoTables } from '../support/demo-data.js';
import { PLUGIN, until } from '../pipeline/support/cli-harness.js';
import { demoTemplate } from '../pipeline/support/steps.js';

/*
 * The liveness lock of a run's attempt: a supervisor retries a run only when nobody holds it.
 * Two queues of one database (two connections each, as two worker processes have): a live run
 * longer than the grace period stays with its worker; a run handed out whose holder is gone (a
 * pg-boss fetch with no attempt behind it) is failed once by two supervisors looking at once, and
 * tried again; a worker whose liveness session ends aborts its attempt (the run is tried again).
 */

const GRACE_SECONDS = 1;
const NOW = '2021-03-01T08:00:00Z';

const title = 'server: the liveness lock of running runs (PostgreSQL)';
(postgresAvailable ? describe : describe.skip)(
  postgresAvailable ? title : `${title} — skipped: DATABASE_URL is not set (the queue needs a PostgreSQL server)`,
  function () {
    this.timeout(60_000);
    let scratch: ScratchDatabase;
    let work: string;
    const queues: PgBossRunQueue[] = [];
    const engines: Engine[] = [];

    const workingQueue = async () => {
      const queue = new PgBossRunQueue({
        connectionString: scratch.url,
        runTimeoutSeconds: 3600,
        retryDelaySeconds: 0,
        superviseIntervalSeconds: 1,
        pollingIntervalSeconds: 0.5,
        livenessGraceSeconds: GRACE_SECONDS,
      });
      queues.push(queue);
      const engine = createEngine({ databaseUrl: scratch.url, plugins: [PLUGIN], dataDir: join(work, 'data') });
      engines.push(engine);
      await queue.work(runWorker(engine, new TemplateFolder(join(work, 'templates')), queue), { concurrency: 1 });
      return queue;
    };

    before(async function () {
      this.timeout(120_000);
      scratch = await scratchDatabase('postgres');
      await createDemoTables(scratch.knex, 50);
      work = mkdtempSync(join(tmpdir(), 'exportkit-liveness-'));
      mkdirSync(join(work, 'templates'));
      mkdirSync(join(work, 'data'));
      // Runs for 5 s: several supervisions of both queues after the grace period.
      const pause = '    postProcess:\n      - pauseStep: { ms: 5000 }';
      writeFileSync(join(work, 'templates', 'long.yaml'), demoTemplate(pause, { guid: 'long-guid' }));
      writeFileSync(join(work, 'templates', 'short.yaml'), demoTemplate('', { guid: 'short-guid' }));
    });

    after(async () => {
      for (const queue of queues) await queue.close();
      for (const engine of engines) await engine.close();
      await scratch?.dispose();
      if (work) rmSync(work, { recursive: true, force: true });
    });

    it('a live run longer than the grace period stays with its worker', async () => {
      const [first, second] = [await workingQueue(), await workingQueue()];
      const id = await first.enqueue({ template: 'long', now: NOW });
      await until(async () => (await first.status(id))?.state === 'running', 20_000, 'the run to start');
      await until(async () => (await first.status(id))?.state !== 'running', 30_000, 'the run to end');
      // Looked at once more by each, on purpose, while nothing runs: nothing to retry.
      expect(await first.retryDeadRuns()).to.deep.equal([]);
      expect(await second.retryDeadRuns()).to.deep.equal([]);
      const run = (await first.status(id))!;
      expect(run.state, run.error).to.equal('succeeded');
      expect(run.attempts, 'attempts').to.equal(1);
      const rows = (await scratch.knex('exportkit.export_runs').where({ export_guid: 'long-guid' })) as Array<{
        status: string;
      }>;
      expect(rows.map((row) => row.status)).to.deep.equal(['succeeded']);
    });

    it('a run whose holder is gone is failed once by two supervisors at once, then tried again', async () => {
      // The workers stop, so that a bare fetch takes the run; two queues that do not work supervise it.
      for (const queue of queues) await queue.close();
      queues.length = 0;
      const supervisors = [
        new PgBossRunQueue({ connectionString: scratch.url, livenessGraceSeconds: GRACE_SECONDS }),
        new PgBossRunQueue({ connectionString: scratch.url, livenessGraceSeconds: GRACE_SECONDS }),
      ];
      queues.push(...supervisors);
      const id = await supervisors[0]!.enqueue({ template: 'short', now: NOW });
      // A worker that took the run and died before its attempt locked it: pg-boss's own fetch.
      const boss = new PgBoss({ connectionString: scratch.url, schema: QUEUE_SCHEMA, supervise: false });
      await boss.start();
      try {
        const [taken] = await boss.fetch(RUN_QUEUE_NAME);
        expect(taken?.id).to.equal(id);
      } finally {
        await boss.stop({ graceful: false, wait: true });
      }
      expect(await supervisors[0]!.retryDeadRuns(), 'within the grace period').to.deep.equal([]);
      await new Promise((resolve) => setTimeout(resolve, (GRACE_SECONDS + 0.5) * 1000));
      const failed = await Promise.all(supervisors.map((queue) => queue.retryDeadRuns()));
      expect(failed.flat(), 'failed by the two supervisors').to.deep.equal([id]);
      expect((await supervisors[0]!.status(id))?.state, 'given back to the queue').to.equal('queued');
      const jobs = (await scratch.knex(`${QUEUE_SCHEMA}.job`).where({ id })) as Array<{ output: { message: string } }>;
      expect(jobs.map((job) => job.output.message)).to.deep.equal(['the worker died (its liveness lock was free)']);

      const worker = await workingQueue();
      await until(async () => (await worker.status(id))?.state === 'succeeded', 20_000, 'the run tried again');
      expect((await worker.status(id))!.attempts).to.equal(2);
    });

    it('a worker whose liveness session is ended aborts its attempt, and the run is tried again', async () => {
      const worker = queues.at(-1)!;
      const id = await worker.enqueue({ template: 'long', now: NOW });
      const exporting = async () =>
        (await scratch.knex('exportkit.export_runs').where({ export_guid: 'long-guid', status: 'running' })).length > 0;
      await until(exporting, 20_000, 'the export to start');
      const ended = await scratch.knex.raw<{ rows: Array<{ ended: boolean }> }>(
        `SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity
         WHERE application_name = 'exportkit-liveness' AND datname = current_database()`,
      );
      expect(ended.rows.map((row) => row.ended)).to.deep.equal([true]);
      await until(async () => (await worker.status(id))?.state === 'succeeded', 30_000, 'the run tried again');
      expect((await worker.status(id))!.attempts).to.equal(2);
      const rows = (await scratch
        .knex('exportkit.export_runs')
        .where({ export_guid: 'long-guid' })
        .orderBy('id')) as Array<{
        status: string;
        error: string | null;
      }>;
      // The first run of the test, the aborted attempt (rolled back, failed), the attempt that succeeded.
      expect(rows.map((row) => row.status)).to.deep.equal(['succeeded', 'failed', 'succeeded']);
      expect(rows[1]!.error).to.match(/liveness lock lost/);
    });
  },
);
