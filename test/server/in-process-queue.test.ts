import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, type Engine } from 'exportkit';
import { InProcessRunQueue, runWorker, TemplateFolder, type QueuedRun } from '@exportkit/server';
import { scratchDatabase, type ScratchDatabase } from '../support/databases.js';
import { createDemoTables } from '../support/demo-data.js';
import { PLUGIN, until } from '../pipeline/support/cli-harness.js';
import { demoTemplate } from '../pipeline/support/steps.js';

/*
 * The in-process queue (the embedded PGlite's): the same interface as the pg-boss queue, run by
 * the same worker handler in this process.
 */
describe('server: the in-process run queue on PGlite', function () {
  this.timeout(60_000);
  let scratch: ScratchDatabase;
  let work: string;
  let engine: Engine;
  let queue: InProcessRunQueue;

  const ended = async (id: string): Promise<QueuedRun> => {
    let run: QueuedRun | undefined;
    await until(
      async () => ['succeeded', 'failed', 'cancelled'].includes((run = await queue.status(id))?.state ?? ''),
      30_000,
      `run ${id} to end`,
    );
    return run!;
  };

  before(async function () {
    this.timeout(300_000);
    scratch = await scratchDatabase('pglite');
    await createDemoTables(scratch.knex, 50);
  });
  after(() => scratch?.dispose());

  beforeEach(async () => {
    work = mkdtempSync(join(tmpdir(), 'exportkit-in-process-'));
    mkdirSync(join(work, 'templates'));
    writeFileSync(join(work, 'templates', 'quick.yaml'), demoTemplate('', { guid: 'quick' }));
    writeFileSync(
      join(work, 'templates', 'slow.yaml'),
      demoTemplate('    postProcess:\n      - pauseStep: { ms: 60000 }', { guid: 'slow' }),
    );
    engine = createEngine({ knex: scratch.knex, plugins: [PLUGIN], dataDir: join(work, 'data') });
    queue = new InProcessRunQueue();
    await queue.work(runWorker(engine, new TemplateFolder(join(work, 'templates')), queue), { concurrency: 2 });
  });
  afterEach(async () => {
    await queue.close({ timeoutMs: 0 });
    await engine.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('runs a template by name: succeeded, with its export_runs row, rows and files', async () => {
    const id = await queue.enqueue({ template: 'quick', now: '2021-03-01T08:00:00Z' });
    const run = await ended(id);
    expect(run).to.include({ state: 'succeeded', template: 'quick', attempts: 1, now: '2021-03-01T08:00:00Z' });
    const [exported] = run.exports!;
    const row = (await scratch.knex('exportkit.export_runs').where({ id: exported!.runId }).first()) as {
      status: string;
      export_guid: string;
      rows: string;
    };
    expect(row).to.include({ status: 'succeeded', export_guid: 'quick' });
    expect(exported).to.include({ rows: 50, name: 'demo' });
    expect(exported!.files).to.have.length(1);
  });

  it('cancelling a running run aborts it: rolled back, recorded failed, the run cancelled', async () => {
    const id = await queue.enqueue({ template: 'slow' });
    await until(async () => (await queue.status(id))?.state === 'running', 10_000, 'the run to start');
    await until(
      async () =>
        (await scratch.knex('exportkit.export_runs').where({ export_guid: 'slow', status: 'running' })).length > 0,
      10_000,
      'the export to be recorded',
    );
    expect(await queue.cancel(id)).to.equal(true);
    const run = await ended(id);
    expect(run.state).to.equal('cancelled');
    await until(
      async () =>
        (await scratch.knex('exportkit.export_runs').where({ export_guid: 'slow', status: 'running' })).length === 0,
      10_000,
      'the export to be closed',
    );
    expect(await queue.cancel(id), 'an ended run').to.equal(false);
  });

  it('two runs of one export guid do not overlap, even with room for both', async () => {
    const first = await queue.enqueue({ template: 'quick' });
    const second = await queue.enqueue({ template: 'quick' });
    const runs = [await ended(first), await ended(second)];
    expect(runs.map((r) => r.state)).to.deep.equal(['succeeded', 'succeeded']);
    const rows = (await scratch
      .knex('exportkit.export_runs')
      .whereIn(
        'id',
        runs.map((r) => r.exports![0]!.runId),
      )
      .orderBy('started_at')
      .select('started_at', 'finished_at')) as Array<{ started_at: Date; finished_at: Date }>;
    expect(rows[1]!.started_at.getTime()).to.be.at.least(rows[0]!.finished_at.getTime());
  });

  it('a name that is not a template file of the folder fails the run, naming what is allowed', async () => {
    symlinkSync('/etc/passwd', join(work, 'templates', 'outside.yaml'));
    const cases = {
      '../quick': /a template name is a file name/,
      missing: /no missing\.xml/,
      outside: /symbolic link/,
    };
    for (const [template, message] of Object.entries(cases)) {
      const run = await ended(await queue.enqueue({ template }));
      expect(run.state, template).to.equal('failed');
      expect(run.error, template).to.match(message);
    }
    expect(await queue.status('no-such-run')).to.equal(undefined);
  });
});
