import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createEngine } from 'exportkit';
import { PgBossRunQueue, runWorker, TemplateFolder, type QueuedRun } from '@exportkit/server';
import { postgresAvailable, scratchDatabase, type ScratchDatabase } from '../support/databases.js';
import { createDemoTables } from '../support/demo-data.js';
import { cli, PLUGIN, until, type Child } from '../pipeline/support/cli-harness.js';
import { demoTemplate } from '../pipeline/support/steps.js';

/*
 * The queue shared by worker processes: 3 `exportkit worker` processes take 60 runs of 6
 * templates from pg-boss on one PostgreSQL database; one worker is SIGKILLed in the middle of an
 * export. Every run ends succeeded, exactly once in export_runs; the killed attempt is closed as
 * abandoned (its files rolled back) and its run is tried again by another worker within a minute,
 * long before its time limit: its liveness lock went with the killed worker's connections.
 */

const TEMPLATES = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'slow'] as const;
const RUNS = 60;
/** Every run has the same reference instant: all 60 packages claim the same file name. */
const NOW = '2021-03-01T08:00:00Z';
/** The time limit of a run: far beyond the test, so that only the liveness lock can retry the killed run. */
const RUN_TIMEOUT_SECONDS = 3600;

const title = 'server: 3 workers share the queue on PostgreSQL (60 runs of 6 templates, one worker killed)';
(postgresAvailable ? describe : describe.skip)(
  postgresAvailable ? title : `${title} — skipped: DATABASE_URL is not set (the queue needs a PostgreSQL server)`,
  function () {
    this.timeout(120_000);
    let scratch: ScratchDatabase;
    let work: string;
    let queue: PgBossRunQueue;
    const workers: Child[] = [];

    before(async function () {
      this.timeout(300_000);
      scratch = await scratchDatabase('postgres');
      await createDemoTables(scratch.knex, 300);
      work = mkdtempSync(join(tmpdir(), 'exportkit-workers-'));
      mkdirSync(join(work, 'templates'));
      mkdirSync(join(work, 'data'));
      for (const name of TEMPLATES) {
        // `slow` pauses after writing its package: the moment a killed worker leaves files behind.
        const extra = name === 'slow' ? '    postProcess:\n      - pauseStep: { ms: 700 }' : '';
        writeFileSync(join(work, 'templates', `${name}.yaml`), demoTemplate(extra, { guid: `${name}-guid` }));
      }
      queue = new PgBossRunQueue({
        connectionString: scratch.url,
        runTimeoutSeconds: RUN_TIMEOUT_SECONDS,
        retryDelaySeconds: 1,
      });
    });

    after(async () => {
      for (const worker of workers) worker.kill('SIGKILL');
      await Promise.all(workers.map((worker) => worker.code));
      await queue?.close();
      await scratch?.dispose();
      if (work) rmSync(work, { recursive: true, force: true });
    });

    it('every run succeeds exactly once, no file is clobbered, and the killed worker’s run is tried again', async () => {
      const ids: Array<{ id: string; template: string }> = [];
      for (let i = 0; i < RUNS; i++) {
        const template = TEMPLATES[i % TEMPLATES.length]!;
        ids.push({ id: await queue.enqueue({ template, now: NOW }), template });
      }
      for (let i = 0; i < 3; i++) {
        workers.push(
          cli([
            'worker',
            '--db',
            scratch.url,
            '--templates',
            join(work, 'templates'),
            '--data-dir',
            join(work, 'data'),
            '--plugin',
            PLUGIN,
            '--concurrency',
            '2',
            '--supervise-interval',
            '1',
          ]),
        );
      }

      // A worker in the middle of a `slow` export (its package written, pausing): killed.
      let killedRun = 0;
      await until(
        () =>
          workers.some((worker) => {
            const match = /\[run (\d+)\] pausing/.exec(worker.stderr());
            if (match) killedRun = Number(match[1]);
            return match !== null;
          }),
        60_000,
        'a worker pausing in a slow export',
      );
      const row = (await scratch.knex('exportkit.export_runs').where({ id: killedRun }).first('pid', 'status')) as {
        pid: number;
        status: string;
      };
      expect(row.status).to.equal('running');
      const victim = workers.find((worker) => worker.pid === row.pid)!;
      expect(victim, `the worker of run ${killedRun}`).to.not.equal(undefined);
      victim.kill('SIGKILL');
      expect(await victim.code).to.equal(-1);
      const link = (await scratch.knex('exportkit.queue_run_exports').where({ run_id: killedRun }).first('job_id')) as {
        job_id: string;
      };
      await until(
        async () => (await queue.status(link.job_id))?.state === 'succeeded',
        60_000,
        'the killed worker’s run to succeed on another worker',
      );
      expect((await queue.status(link.job_id))!.attempts, 'attempts of the killed run').to.equal(2);

      const ended = new Map<string, QueuedRun>();
      await until(
        async () => {
          for (const { id } of ids) {
            if (ended.has(id)) continue;
            const run = await queue.status(id);
            if (run && ['succeeded', 'failed', 'cancelled'].includes(run.state)) ended.set(id, run);
          }
          return ended.size === RUNS;
        },
        90_000,
        'every run to end',
      );
      const details = workers.map((worker) => worker.stderr()).join('\n---\n');
      const runs = ids.map(({ id, template }) => ({ template, run: ended.get(id)! }));
      expect(
        runs.filter(({ run }) => run.state !== 'succeeded').map(({ run }) => `${run.id}: ${run.state} ${run.error}`),
        details,
      ).to.deep.equal([]);
      // The attempts that were running in the killed worker were tried again.
      expect(runs.filter(({ run }) => run.attempts > 1).length, 'runs tried again').to.be.within(1, 2);

      // export_runs: one succeeded row per run, the killed attempt closed as abandoned.
      const rows = (await scratch
        .knex('exportkit.export_runs')
        .select('id', 'export_guid', 'status', 'rows', 'error', 'files')) as Array<{
        id: string;
        export_guid: string;
        status: string;
        rows: string;
        error: string | null;
        files: string[];
      }>;
      const succeeded = rows.filter((r) => r.status === 'succeeded');
      const linked = new Set(runs.map(({ run }) => run.exports?.[0]?.runId));
      expect(
        succeeded.filter((r) => !linked.has(Number(r.id))).map((r) => `${r.id} ${r.export_guid}`),
        `succeeded export_runs rows of no run\n${details}`,
      ).to.deep.equal([]);
      expect(succeeded).to.have.length(RUNS);
      expect(rows.filter((r) => r.status === 'running')).to.deep.equal([]);
      const failed = rows.filter((r) => r.status === 'failed');
      expect(failed.map((r) => Number(r.id))).to.include(killedRun);
      for (const r of failed) expect(r.error).to.match(/^abandoned: /);
      const runIds = runs.map(({ run }) => run.exports?.[0]?.runId);
      expect(new Set(runIds).size, 'distinct export_runs rows').to.equal(RUNS);
      expect([...runIds].sort()).to.deep.equal(succeeded.map((r) => Number(r.id)).sort());

      // Files: 60 packages under one name, numbered; each is its own run's, whole.
      const files = runs.flatMap(({ run }) => run.exports![0]!.files);
      expect(new Set(files).size).to.equal(RUNS);
      const packages = readdirSync(join(work, 'data', 'exports'));
      expect(packages.sort()).to.deep.equal(files.map((f) => basename(f)).sort());
      for (const { template, run } of runs) {
        const exported = run.exports![0]!;
        const zip = exported.files[0]!;
        const manifest = JSON.parse(execFileSync('unzip', ['-p', zip, 'manifest.json'], { encoding: 'utf8' })) as {
          export: { guid: string };
          rows: number;
          files: Array<{ name: string; sha256: string }>;
        };
        expect(manifest.export.guid).to.equal(`${template}-guid`);
        expect(manifest.rows).to.equal(exported.rows).and.to.equal(300);
        for (const file of manifest.files) {
          const bytes = execFileSync('unzip', ['-p', zip, file.name]);
          expect(createHash('sha256').update(bytes).digest('hex'), `${zip}: ${file.name}`).to.equal(file.sha256);
        }
      }
      // Nothing of the killed attempt is left: no partial package, no work folder with files.
      const workFolder = join(work, 'data', '.exportkit-work');
      const left = existsSync(workFolder) ? readdirSync(workFolder, { recursive: true, encoding: 'utf8' }) : [];
      const journals = left
        .filter((name) => name.endsWith('journal.ndjson'))
        .map((name) => `${name}:\n${readFileSync(join(workFolder, name), 'utf8')}`);
      expect(left, `work folders left\n${journals.join('\n')}\n${details}`).to.deep.equal([]);

      // The survivors stop cleanly on SIGTERM.
      for (const worker of workers.filter((w) => w !== victim)) worker.kill('SIGTERM');
      for (const worker of workers.filter((w) => w !== victim)) expect(await worker.code, worker.stderr()).to.equal(0);
    });

    it('a run whose earlier attempt succeeded (its worker died before the queue heard of it) is not run again', async () => {
      const id = await queue.enqueue({ template: 'alpha', now: NOW });
      // What a worker killed just after the export's success leaves: a succeeded row, linked to the run.
      const [row] = (await scratch
        .knex('exportkit.export_runs')
        .insert({
          export_guid: 'alpha-guid',
          status: 'succeeded',
          rows: 300,
          files: JSON.stringify(['/gone/demo.zip']),
        })
        .returning('id')) as Array<{ id: string }>;
      await queue.linkExportRun(id, Number(row!.id), 'demo');
      const rowsBefore = await scratch.knex('exportkit.export_runs').count({ n: '*' });
      const engine = createEngine({ databaseUrl: scratch.url, plugins: [PLUGIN], dataDir: join(work, 'data') });
      try {
        await queue.work(runWorker(engine, new TemplateFolder(join(work, 'templates')), queue), { concurrency: 1 });
        await until(async () => (await queue.status(id))?.state === 'succeeded', 30_000, 'the run to end');
        expect((await queue.status(id))!.exports).to.deep.equal([
          { runId: Number(row!.id), name: 'demo', rows: 300, files: ['/gone/demo.zip'] },
        ]);
        expect(await scratch.knex('exportkit.export_runs').count({ n: '*' }), 'no new run').to.deep.equal(rowsBefore);
      } finally {
        await queue.close();
        await engine.close();
      }
    });
  },
);
