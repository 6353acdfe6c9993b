import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine } from 'exportkit';
import {
  ApiTokens,
  buildHttpApi,
  PgBossRunQueue,
  syncTemplateSchedules,
  TemplateFolder,
  type RunSchedule,
} from '@exportkit/server';
import { postgresAvailable, scratchDatabase, type ScratchDatabase } from '../support/databases.js';
import { cli, until, type Child } from '../pipeline/support/cli-harness.js';

/*
 * The `schedule:` keys of the templates folder reach pg-boss's scheduler: at a worker's or
 * serve's start-up, and when the API stores or deletes a template. A key-made schedule follows
 * its key (changed, removed); a schedule set by hand on a template without a key is left alone.
 */
const EXPORT = 'provider: consolidatedTracking\ncolumns: [candidateId]\n';
const title = "server: templates' schedule keys registered with the scheduler";
(postgresAvailable ? describe : describe.skip)(
  postgresAvailable ? title : `${title} — skipped: DATABASE_URL is not set (the scheduler needs a PostgreSQL server)`,
  function () {
    this.timeout(90_000);
    let scratch: ScratchDatabase;
    let queue: PgBossRunQueue;
    let work: string;
    let folder: string;
    const children: Child[] = [];
    const bySchedule = (a: RunSchedule, b: RunSchedule) => a.template.localeCompare(b.template);
    const schedules = async () => (await queue.schedules()).sort(bySchedule);

    before(async function () {
      this.timeout(300_000);
      scratch = await scratchDatabase('postgres');
      queue = new PgBossRunQueue({ connectionString: scratch.url });
      work = mkdtempSync(join(tmpdir(), 'exportkit-template-schedules-'));
      folder = join(work, 'templates');
      mkdirSync(folder);
    });
    after(async () => {
      for (const child of children) child.kill('SIGKILL');
      await Promise.all(children.map((child) => child.code));
      await queue?.close({ timeoutMs: 0 });
      await scratch?.dispose();
      if (work) rmSync(work, { recursive: true, force: true });
    });

    it('a key sets its schedule (over one set by hand); hand-set schedules of key-less templates stay; a removed key or template removes it', async () => {
      writeFileSync(join(folder, 'paris.yaml'), `schedule: { cron: "0 2 * * *", timeZone: Europe/Paris }\n${EXPORT}`);
      writeFileSync(
        join(folder, 'hourly.xml'),
        '<export-config>\n  <schedule cron="0 * * * *"/>\n  <export><providers><consolidatedTrackingProvider>' +
          '<columns><candidateId/></columns></consolidatedTrackingProvider></providers></export>\n</export-config>\n',
      );
      writeFileSync(join(folder, 'by-hand.yaml'), EXPORT);
      writeFileSync(join(folder, 'broken.yaml'), `schedule: { cron: "0 2 * * *", timeZone: Mars/Olympus }\n${EXPORT}`);
      await queue.schedule({ template: 'by-hand', cron: '0 3 * * *', timeZone: 'UTC' });
      await queue.schedule({ template: 'paris', cron: '0 4 * * *', timeZone: 'UTC' });
      await queue.schedule({ template: 'broken', cron: '0 5 * * *', timeZone: 'UTC' });
      const templates = new TemplateFolder(folder);

      const first = await syncTemplateSchedules(queue, templates);
      expect(first.scheduled).to.deep.equal(['hourly', 'paris']);
      expect(first.removed).to.deep.equal([]);
      expect(first.unreadable.map((u) => u.template)).to.deep.equal(['broken']);
      expect(first.unreadable[0]!.message).to.match(/broken\.yaml:1: schedule: time zone "Mars\/Olympus"/);
      const expected: RunSchedule[] = [
        { template: 'broken', cron: '0 5 * * *', timeZone: 'UTC' },
        { template: 'by-hand', cron: '0 3 * * *', timeZone: 'UTC' },
        { template: 'hourly', cron: '0 * * * *', timeZone: 'UTC', fromTemplate: true },
        { template: 'paris', cron: '0 2 * * *', timeZone: 'Europe/Paris', fromTemplate: true },
      ];
      expect(await schedules()).to.deep.equal(expected);

      const again = await syncTemplateSchedules(queue, templates);
      expect([again.scheduled, again.removed], 'a second start changes nothing').to.deep.equal([[], []]);
      expect(await schedules()).to.deep.equal(expected);

      writeFileSync(join(folder, 'paris.yaml'), EXPORT);
      unlinkSync(join(folder, 'hourly.xml'));
      const removed = await syncTemplateSchedules(queue, templates);
      expect(removed.removed.sort()).to.deep.equal(['hourly', 'paris']);
      expect(await schedules()).to.deep.equal([expected[0], expected[1]]);
      await queue.unschedule('broken');
      await queue.unschedule('by-hand');
      unlinkSync(join(folder, 'broken.yaml'));
    });

    it('exportkit worker registers the folder’s schedule keys when it starts', async () => {
      writeFileSync(join(folder, 'nightly.yaml'), `schedule: "30 1 * * *"\n${EXPORT}`);
      const worker = cli(['worker', '--db', scratch.url, '--templates', folder, '--data-dir', join(work, 'data')]);
      children.push(worker);
      await until(() => /taking runs/.test(worker.stderr()), 60_000, 'the worker to start');
      expect(worker.stderr()).to.match(/worker: schedules set from templates: nightly/);
      expect(await schedules()).to.deep.equal([
        { template: 'nightly', cron: '30 1 * * *', timeZone: 'UTC', fromTemplate: true },
      ]);
      worker.kill('SIGTERM');
      expect(await worker.code, worker.stderr()).to.equal(0);
    });

    it('exportkit serve (on PostgreSQL) registers them when it starts too', async () => {
      writeFileSync(join(folder, 'weekly.yaml'), `schedule: { cron: "0 7 * * 0", timeZone: Asia/Tokyo }\n${EXPORT}`);
      const serve = cli([
        'serve',
        '--port',
        '0',
        '--workers',
        '0',
        '--db',
        scratch.url,
        '--templates',
        folder,
        '--data-dir',
        join(work, 'data'),
      ]);
      children.push(serve);
      await until(() => /listening on/.test(serve.stderr()), 60_000, 'serve to listen');
      expect(serve.stderr()).to.match(/serve: schedules set from templates: weekly/);
      expect((await schedules()).map((s) => [s.template, s.timeZone])).to.deep.equal([
        ['nightly', 'UTC'],
        ['weekly', 'Asia/Tokyo'],
      ]);
      serve.kill('SIGTERM');
      expect(await serve.code, serve.stderr()).to.equal(0);
      unlinkSync(join(folder, 'weekly.yaml'));
      await queue.unschedule('weekly');
    });

    it('the API: storing a template applies its key, deleting it removes the key-made schedule', async () => {
      const engine = createEngine({ knex: scratch.knex });
      const tokens = new ApiTokens(scratch.knex);
      const admin = await tokens.create('template-schedules-admin', 'admin');
      const app = await buildHttpApi({
        engine,
        queue,
        schedules: queue,
        templates: new TemplateFolder(folder),
        tokens,
        dataDir: join(work, 'data'),
      });
      try {
        const base = await app.listen({ host: '127.0.0.1', port: 0 });
        const request = (method: string, body?: string) =>
          fetch(`${base}/templates/nightly`, {
            method,
            headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/yaml' },
            body,
          });
        const stored = await request('PUT', `schedule: { cron: "0 6 * * 1", timeZone: America/New_York }\n${EXPORT}`);
        expect(stored.status).to.equal(200);
        expect(await schedules()).to.deep.equal([
          { template: 'nightly', cron: '0 6 * * 1', timeZone: 'America/New_York', fromTemplate: true },
        ]);
        const listed = await fetch(`${base}/schedules`, { headers: { authorization: `Bearer ${admin}` } });
        expect(await listed.json()).to.deep.equal({
          schedules: [{ template: 'nightly', cron: '0 6 * * 1', timeZone: 'America/New_York', fromTemplate: true }],
        });
        expect((await request('DELETE')).status).to.equal(204);
        expect(await schedules()).to.deep.equal([]);
      } finally {
        await app.close();
        await engine.close();
      }
    });
  },
);
