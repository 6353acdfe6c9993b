import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PgBossRunQueue, TemplateVersions, type QueuedRun } from '@exportkit/server';
import { postgresAvailable, scratchDatabase, type ScratchDatabase } from '../support/databases.js';
import { createDemoTables } from '../support/demo-data.js';
import { cli, PLUGIN, until, type Child } from '../pipeline/support/cli-harness.js';
import { demoTemplate } from '../pipeline/support/steps.js';

/*
 * `exportkit worker --template-store db` on PostgreSQL: it registers the stored templates'
 * schedule keys at start-up and runs the latest stored version through pg-boss, the run
 * recording that version.
 */
const title = 'server: exportkit worker with templates stored in the database';
(postgresAvailable ? describe : describe.skip)(
  postgresAvailable
    ? title
    : `${title} — skipped: DATABASE_URL is not set (the worker's queue needs a PostgreSQL server)`,
  function () {
    this.timeout(120_000);
    let scratch: ScratchDatabase;
    let queue: PgBossRunQueue;
    let work: string;
    const children: Child[] = [];

    before(async function () {
      this.timeout(300_000);
      scratch = await scratchDatabase('postgres');
      await createDemoTables(scratch.knex, 12);
      queue = new PgBossRunQueue({ connectionString: scratch.url });
      work = mkdtempSync(join(tmpdir(), 'exportkit-worker-store-'));
    });
    after(async () => {
      for (const child of children) child.kill('SIGKILL');
      await Promise.all(children.map((child) => child.code));
      await queue?.close({ timeoutMs: 0 });
      await scratch?.dispose();
      if (work) rmSync(work, { recursive: true, force: true });
    });

    it('registers the stored schedule key and runs the latest version, recording it', async () => {
      const store = new TemplateVersions(scratch.knex);
      await store.store('stored', demoTemplate('', { guid: 'worker-store', columns: '[itemId]' }), 'alice');
      await store.store(
        'stored',
        `schedule: { cron: "15 4 * * *", timeZone: Europe/Berlin }\n${demoTemplate('', { guid: 'worker-store' })}`,
        'bob',
      );
      const worker = cli([
        'worker',
        '--db',
        scratch.url,
        '--template-store',
        'db',
        '--data-dir',
        join(work, 'data'),
        '--plugin',
        PLUGIN,
      ]);
      children.push(worker);
      await until(() => /taking runs/.test(worker.stderr()), 60_000, 'the worker to start');
      expect(await queue.schedules()).to.deep.equal([
        { template: 'stored', cron: '15 4 * * *', timeZone: 'Europe/Berlin', fromTemplate: true },
      ]);

      const id = await queue.enqueue({ template: 'stored', now: '2026-03-01T00:00:00Z' });
      let run: QueuedRun | undefined;
      await until(
        async () => {
          run = await queue.status(id);
          return run?.state === 'succeeded' || run?.state === 'failed';
        },
        60_000,
        'the run to end',
      );
      expect(run!.state, `${run!.error} ${worker.stderr()}`).to.equal('succeeded');
      expect(run!.templateVersion).to.equal(2);
      expect(run!.exports![0]!.rows).to.equal(12);
      const row = (await scratch.knex('exportkit.export_runs').where({ export_guid: 'worker-store' }).first()) as {
        template_path: string;
      };
      expect(row.template_path).to.equal('stored@v2.yaml');
      worker.kill('SIGTERM');
      expect(await worker.code, worker.stderr()).to.equal(0);
    });
  },
);
