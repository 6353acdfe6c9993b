import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import type { QueuedRun } from '@exportkit/server';
import { postgresAvailable, scratchDatabase, type ScratchDatabase } from '../support/databases.js';
import { createDemoTables } from '../support/demo-data.js';
import { cli, PLUGIN, until, type Child } from '../pipeline/support/cli-harness.js';
import { demoTemplate } from '../pipeline/support/steps.js';

/*
 * `exportkit serve` as a process on PostgreSQL: a run queued over HTTP starts in serve's own
 * worker; SIGTERM stops serve, which aborts the export after its shutdown timeout (rolled back,
 * recorded failed) and leaves the run to the queue; an `exportkit worker` then runs it to success.
 */
const title = 'server: exportkit serve on PostgreSQL shuts down gracefully, and a worker finishes the run';
(postgresAvailable ? describe : describe.skip)(
  postgresAvailable ? title : `${title} — skipped: DATABASE_URL is not set (the queue needs a PostgreSQL server)`,
  function () {
    this.timeout(120_000);
    let scratch: ScratchDatabase;
    let work: string;
    const children: Child[] = [];

    before(async function () {
      this.timeout(300_000);
      scratch = await scratchDatabase('postgres');
      await createDemoTables(scratch.knex, 30);
      work = mkdtempSync(join(tmpdir(), 'exportkit-serve-'));
      mkdirSync(join(work, 'templates'));
      writeFileSync(
        join(work, 'templates', 'slow.yaml'),
        demoTemplate('    postProcess:\n      - pauseStep: { ms: 8000 }', { guid: 'slow' }),
      );
    });
    after(async () => {
      for (const child of children) child.kill('SIGKILL');
      await Promise.all(children.map((child) => child.code));
      await scratch?.dispose();
      if (work) rmSync(work, { recursive: true, force: true });
    });

    const args = () => [
      '--db',
      scratch.url,
      '--templates',
      join(work, 'templates'),
      '--data-dir',
      join(work, 'data'),
      '--plugin',
      PLUGIN,
    ];

    it('SIGTERM aborts the running export after the timeout; the run is tried again and succeeds', async () => {
      const serve = cli(['serve', '--port', '0', '--shutdown-timeout', '1', ...args()]);
      children.push(serve);
      await until(() => /listening on/.test(serve.stderr()), 60_000, 'serve to listen');
      const base = /listening on (http:\/\/[0-9.:]+)/.exec(serve.stderr())![1]!;
      const token = /admin token "initial" \(shown once\): (\S+)/.exec(serve.stderr())![1]!;
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

      const queued = await fetch(`${base}/runs`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ template: 'slow' }),
      });
      expect(queued.status).to.equal(202);
      const { id } = (await queued.json()) as { id: string };
      await until(() => /pausing/.test(serve.stderr()), 30_000, 'the export to reach its slow step');
      const listed = (await (await fetch(`${base}/runs?state=running`, { headers })).json()) as { runs: QueuedRun[] };
      expect(listed.runs.map((r) => [r.id, r.template, r.state])).to.deep.equal([[id, 'slow', 'running']]);
      // Its progress, published by the worker and followed by the API (a PostgreSQL notification).
      await until(
        async () => {
          const run = (await (await fetch(`${base}/runs/${id}`, { headers })).json()) as QueuedRun;
          return run.progress?.rows === 30 && run.progress.phase === 'consolidate';
        },
        10_000,
        'the run to show its rows so far',
      );

      // A bounded load test of the API on PostgreSQL (loopback, 2 s): the figures go to docs/service.md.
      for (const path of [`/runs/${id}`, '/runs?limit=20']) {
        const load = await autocannon({ url: `${base}${path}`, connections: 10, duration: 2, headers });
        process.stderr.write(
          `      load: GET ${path.replace(id, ':id')} — ${load.requests.average} req/s average, latency p50 ${load.latency.p50} ms, ` +
            `p99 ${load.latency.p99} ms, ${load.requests.total} requests, ${load.non2xx} non-2xx, ${load.errors} errors\n`,
        );
        expect([load.errors, load.non2xx]).to.deep.equal([0, 0]);
      }

      serve.kill('SIGTERM');
      expect(await serve.code, serve.stderr()).to.equal(0);
      const aborted = (await scratch.knex('exportkit.export_runs').where({ export_guid: 'slow' })) as Array<{
        status: string;
      }>;
      expect(aborted.map((r) => r.status)).to.deep.equal(['failed']);
      const exports = join(work, 'data', 'exports');
      expect(existsSync(exports) ? readdirSync(exports) : [], 'the aborted export left no package').to.deep.equal([]);

      const worker = cli(['worker', '--supervise-interval', '1', ...args()]);
      children.push(worker);
      await until(
        async () =>
          (await scratch.knex('exportkit.export_runs').where({ export_guid: 'slow', status: 'succeeded' })).length ===
          1,
        60_000,
        'the run to be tried again and succeed',
      );
      worker.kill('SIGTERM');
      expect(await worker.code, worker.stderr()).to.equal(0);
      expect(readdirSync(join(work, 'data', 'exports'))).to.have.length(1);
    });
  },
);
