import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine } from 'exportkit';
import {
  ApiTokens,
  buildHttpApi,
  InvalidScheduleError,
  PgBossRunQueue,
  TemplateFolder,
  type RunAttempt,
} from '@exportkit/server';
import { postgresAvailable, scratchDatabase, type ScratchDatabase } from '../support/databases.js';
import { until } from '../pipeline/support/cli-harness.js';

/*
 * Schedules through pg-boss's scheduler: three processes' queues (here three queue instances, each
 * with its own connections, as three workers have) share one schedule; a firing is one run.
 */
const title = 'server: a schedule fires once however many workers run';
(postgresAvailable ? describe : describe.skip)(
  postgresAvailable ? title : `${title} — skipped: DATABASE_URL is not set (the scheduler needs a PostgreSQL server)`,
  function () {
    this.timeout(90_000);
    let scratch: ScratchDatabase;
    const queues: PgBossRunQueue[] = [];

    before(async function () {
      this.timeout(300_000);
      scratch = await scratchDatabase('postgres');
      for (let i = 0; i < 3; i++) {
        queues.push(
          new PgBossRunQueue({ connectionString: scratch.url, scheduleIntervalSeconds: 1, pollingIntervalSeconds: 1 }),
        );
      }
    });
    after(async () => {
      for (const queue of queues) await queue.close({ timeoutMs: 0 });
      await scratch?.dispose();
    });

    it('a schedule of every minute, with three workers: one run in the minute, run by one of them', async () => {
      // The schedule fires once a minute: start well inside a minute so the test sees one firing.
      if (new Date().getSeconds() > 40) await sleep((61 - new Date().getSeconds()) * 1000);
      const minute = new Date().getMinutes();
      const [first] = queues;
      await first!.schedule({ template: 'nightly', cron: '* * * * *', timeZone: 'Europe/Paris' });
      expect(await first!.schedules()).to.deep.equal([
        { template: 'nightly', cron: '* * * * *', timeZone: 'Europe/Paris' },
      ]);

      const taken: Array<{ worker: number; attempt: RunAttempt }> = [];
      for (const [worker, queue] of queues.entries()) {
        await queue.work(
          async (attempt) => {
            taken.push({ worker, attempt });
            return { exports: [] };
          },
          { concurrency: 2 },
        );
      }
      await until(() => taken.length > 0, 30_000, 'the schedule to fire');
      await sleep(5000); // time for a second firing, if the scheduler let one through
      expect(new Date().getMinutes(), 'still in the same minute').to.equal(minute);
      expect(taken.map(({ attempt }) => attempt.request)).to.deep.equal([{ template: 'nightly' }]);
      await until(
        async () => (await first!.status(taken[0]!.attempt.id))?.state === 'succeeded',
        10_000,
        'the run to be recorded as succeeded',
      );

      await first!.unschedule('nightly');
      expect(await first!.schedules()).to.deep.equal([]);
    });

    it('the HTTP API sets, lists and removes a template’s schedule (admin), refusing what is not understood', async () => {
      const work = mkdtempSync(join(tmpdir(), 'exportkit-schedules-'));
      writeFileSync(join(work, 'nightly.yaml'), 'exports: []\n');
      const engine = createEngine({ knex: scratch.knex });
      const tokens = new ApiTokens(scratch.knex);
      const admin = await tokens.create('schedules-admin', 'admin');
      const run = await tokens.create('schedules-run', 'run');
      const app = await buildHttpApi({
        engine,
        queue: queues[0]!,
        schedules: queues[0]!,
        templates: new TemplateFolder(work),
        tokens,
        dataDir: join(work, 'data'),
      });
      try {
        const base = await app.listen({ host: '127.0.0.1', port: 0 });
        const put = (name: string, token: string, body: unknown) =>
          fetch(`${base}/templates/${name}/schedule`, {
            method: 'PUT',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify(body),
          });
        const nightly = { cron: '0 2 * * *', timeZone: 'Europe/Paris' };
        expect((await put('nightly', run, nightly)).status, 'a run token').to.equal(403);
        expect((await put('missing', admin, nightly)).status, 'no such template').to.equal(404);
        const refused = await put('nightly', admin, { cron: '0 2 * * *', timeZone: 'Europe/Pariss' });
        expect(refused.status).to.equal(400);
        expect(((await refused.json()) as { error: string }).error).to.match(/did you mean Europe\/Paris/);
        const set = await put('nightly', admin, nightly);
        expect(await set.json()).to.deep.equal({ template: 'nightly', ...nightly });
        const listed = await fetch(`${base}/schedules`, { headers: { authorization: `Bearer ${run}` } });
        expect(await listed.json()).to.deep.equal({ schedules: [{ template: 'nightly', ...nightly }] });
        const removed = await fetch(`${base}/templates/nightly/schedule`, {
          method: 'DELETE',
          headers: { authorization: `Bearer ${admin}` },
        });
        expect(removed.status).to.equal(204);
        expect(await queues[0]!.schedules()).to.deep.equal([]);
      } finally {
        await app.close();
        await engine.close();
        rmSync(work, { recursive: true, force: true });
      }
    });

    it('a cron expression or a time zone that is not understood is refused, saying what is expected', async () => {
      for (const [cron, timeZone] of [
        ['every night', 'UTC'],
        ['0 2 * * *', 'Mars/Olympus_Mons'],
      ] as const) {
        const error = await queues[0]!.schedule({ template: 'nightly', cron, timeZone }).then(
          () => undefined,
          (e: unknown) => e as Error,
        );
        expect(error, `${cron} in ${timeZone}`).to.be.instanceOf(InvalidScheduleError);
        expect(error!.message).to.match(/five fields|IANA region name/);
      }
    });
  },
);
