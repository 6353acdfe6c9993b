import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { parseTemplate, primaryWalPosition, waitForReplay, type ExportConfig } from '@exportkit/core';
import { connect, migrate, type Database } from '@exportkit/db';
import { createEngine } from 'exportkit';
import { demoPlugin } from '../support/test-provider.js';
import { createDemoTables } from '../support/demo-data.js';
import { postgresAvailable } from '../support/databases.js';
import { cli, PLUGIN } from '../pipeline/support/cli-harness.js';
import { demoTemplate } from '../pipeline/support/steps.js';
import { startStreamingPair, streamingPairUnavailable, type StreamingPair } from '../support/streaming-replica.js';

/** The demo export; `exclusive: yes` makes it a delta run (the demo's incremental parameter). */
const template = (delta: boolean): ExportConfig =>
  parseTemplate(
    `
exports:
  - guid: replica-export
    name: demo
    provider: demo
    columns: [itemId, label, itemAt, itemScore, ownerName]
    parameters:
      timeZone: Europe/Paris
      exclusive: ${delta ? 'yes' : 'no'}
`,
    'demo.yaml',
    'yaml',
  );

const unavailable = postgresAvailable ? streamingPairUnavailable() : 'DATABASE_URL is not set';

(unavailable ? describe.skip : describe)(
  unavailable ? `read replica — skipped: ${unavailable}` : 'read replica (a real streaming standby)',
  function () {
    this.timeout(60_000);
    let pair: StreamingPair;
    let primary: Database;
    let replica: Database;
    let dataDir: string;

    before(async () => {
      pair = await startStreamingPair();
      primary = await connect(pair.primaryUrl);
      replica = await connect(pair.replicaUrl);
      await migrate(primary.knex);
      await createDemoTables(primary.knex);
      await waitForReplay(replica.knex, await primaryWalPosition(primary.knex), { timeoutSeconds: 20, where: 'test' });
    });
    after(async () => {
      await replica?.close();
      await primary?.close();
      await pair?.stop();
    });
    beforeEach(() => {
      dataDir = mkdtempSync(join(tmpdir(), 'exportkit-test-'));
    });
    afterEach(async () => {
      await replica.knex.raw('SELECT pg_wal_replay_resume()');
      rmSync(dataDir, { recursive: true, force: true });
    });

    const engine = (options: { replica?: string; waitSeconds?: number } = {}) =>
      createEngine({
        databaseUrl: pair.primaryUrl,
        replicaUrl: options.replica,
        replicaWaitSeconds: options.waitSeconds,
        plugins: [demoPlugin],
        dataDir,
        now: new Date('2021-03-01T08:00:00Z'),
      });

    /** Runs the template and gives its CSV and its run id. */
    const run = async (options: Parameters<typeof engine>[0], delta: boolean) => {
      const e = engine(options);
      try {
        const [exported] = (await e.run(template(delta))).exports;
        const csv = execFileSync('unzip', ['-p', exported!.files[0]!, 'demo.csv'], { encoding: 'utf8' });
        return { csv, runId: exported!.runId, rows: exported!.rows };
      } finally {
        await e.close();
      }
    };

    const insertItem = (knex: Knex, id: number) =>
      knex.raw(`INSERT INTO demo_items VALUES (?, 'item ' || ?, now(), current_date, 1, 1)`, [id, id]);

    it('a full export read from the replica equals the same export from the primary, and it is read there', async () => {
      const fromPrimary = await run({}, false);
      const fromReplica = await run({ replica: pair.replicaUrl }, false);
      expect(fromReplica.rows).to.equal(5);
      expect(fromReplica.csv).to.equal(fromPrimary.csv);
      // Replay paused, a row committed on the primary is not on the replica: a full run (no
      // mark, so no wait) that misses it read the replica.
      await replica.knex.raw('SELECT pg_wal_replay_pause()');
      await insertItem(primary.knex, 100);
      try {
        expect((await run({ replica: pair.replicaUrl }, false)).rows).to.equal(5);
        expect((await run({}, false)).rows).to.equal(6);
      } finally {
        await primary.knex.raw('DELETE FROM demo_items WHERE id = 100');
      }
    });

    it('a delta run waits for the replica to replay the primary up to its mark: a row committed just before is in it', async () => {
      await replica.knex.raw('SELECT pg_wal_replay_pause()');
      await insertItem(primary.knex, 101);
      try {
        const resumed = (async () => {
          await new Promise((resolve) => setTimeout(resolve, 1500));
          await replica.knex.raw('SELECT pg_wal_replay_resume()');
          return performance.now();
        })();
        const result = await run({ replica: pair.replicaUrl, waitSeconds: 20 }, true);
        const finished = performance.now();
        expect(finished).to.be.at.least(await resumed);
        expect(result.rows).to.equal(6);
        expect(result.csv).to.match(/^101;item 101;/m);
        // The engine's state is on the primary: the run, its delta mark and its lock.
        const [recorded] = await primary.knex('exportkit.export_runs').where({ id: result.runId });
        expect(recorded.status).to.equal('succeeded');
        expect(recorded.delta_mark).to.be.an.instanceOf(Date);
      } finally {
        await primary.knex.raw('DELETE FROM demo_items WHERE id = 101');
      }
    });

    it('a delta run fails clearly when the replica does not catch up in time, naming how far behind it is', async () => {
      await replica.knex.raw('SELECT pg_wal_replay_pause()');
      await insertItem(primary.knex, 102);
      try {
        const error = await run({ replica: pair.replicaUrl, waitSeconds: 1 }, true).then(
          () => undefined,
          (e: unknown) => e as Error,
        );
        expect(error?.message).to.match(
          /read replica \(postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres\) has not replayed the primary's WAL up to [0-9A-F]+\/[0-9A-F]+ within 1 s \(replayed up to [0-9A-F]+\/[0-9A-F]+, [1-9]\d* bytes behind/,
        );
        const [recorded] = await primary.knex('exportkit.export_runs').orderBy('id', 'desc').limit(1);
        expect(recorded.status).to.equal('failed');
        expect(recorded.error).to.match(/has not replayed/);
      } finally {
        await primary.knex.raw('DELETE FROM demo_items WHERE id = 102');
      }
    });

    it('refuses a primary given as the replica, and a standby of another cluster', async () => {
      const asReplica = await run({ replica: pair.primaryUrl }, false).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(asReplica?.message).to.match(
        /read replica \(postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres\) is not in recovery/,
      );
      // The shared server of DATABASE_URL is another cluster: as primary of this standby it is refused.
      const other = createEngine({
        databaseUrl: process.env.DATABASE_URL,
        replicaUrl: pair.replicaUrl,
        plugins: [demoPlugin],
        dataDir,
      });
      try {
        const error = await other.dryRun(template(false)).then(
          () => undefined,
          (e: unknown) => e as Error,
        );
        expect(error?.message).to.match(/replays another cluster \(system identifier \d+, the primary's is \d+\)/);
      } finally {
        await other.close();
      }
    });

    it('the CLI: EXPORTKIT_REPLICA_URL or --replica-url (which wins), and --replica-wait', async () => {
      const file = join(dataDir, 'delta.yaml');
      writeFileSync(file, demoTemplate('', { guid: 'replica-cli', parameters: '      exclusive: yes' }));
      const runCli = async (flags: string[]) => {
        const child = cli(['run', file, '--db', pair.primaryUrl, '--data-dir', dataDir, '--plugin', PLUGIN, ...flags], {
          EXPORTKIT_REPLICA_URL: pair.replicaUrl,
        });
        return { code: await child.code, stderr: child.stderr() };
      };
      const succeeded = await runCli([]);
      expect(succeeded.code, succeeded.stderr).to.equal(0);
      expect(
        await primary.knex('exportkit.export_runs').where({ export_guid: 'replica-cli', status: 'succeeded' }),
      ).to.have.length(1);
      const refused = await runCli(['--replica-url', pair.primaryUrl]);
      expect(refused.code).to.not.equal(0);
      expect(refused.stderr).to.match(/is not in recovery/);
      await replica.knex.raw('SELECT pg_wal_replay_pause()');
      await insertItem(primary.knex, 103);
      try {
        const late = await runCli(['--replica-wait', '1']);
        expect(late.code).to.not.equal(0);
        expect(late.stderr).to.match(/has not replayed the primary's WAL up to \S+ within 1 s/);
      } finally {
        await primary.knex.raw('DELETE FROM demo_items WHERE id = 103');
      }
    });
  },
);
