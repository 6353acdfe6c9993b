import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTemplate, type ProgressEvent } from '@exportkit/core';
import { createEngine } from 'exportkit';
import { connect, leastPrivilegeGrants, type Database } from '@exportkit/db';
import { postgresAvailable, scratchDatabase, type ScratchDatabase } from '../support/databases.js';
import { loadFixtureDataset } from '../fixtures/dataset.js';

/*
 * A run needs SELECT on the reference tables and INSERT/UPDATE (and SELECT) on export_runs with
 * its sequence; delta mode also needs pg_read_all_stats to see every open transaction. A role
 * with exactly leastPrivilegeGrants() runs exports, delta mode included, and `db migrate` with
 * nothing pending, and cannot write the reference data.
 */
const TEMPLATE = (guid: string) => `exports:
  - guid: ${guid}
    name: restricted
    provider: consolidatedTracking
    columns: [registrationGuid, candidateName, timeSpent]
    parameters:
      deltaMode: yes
      withoutLaunchTime: yes
`;

(postgresAvailable ? describe : describe.skip)(
  postgresAvailable
    ? 'reliability: the least privileges a run needs [postgres]'
    : 'reliability: the least privileges a run needs [postgres] — skipped: DATABASE_URL is not set',
  function () {
    this.timeout(120_000);
    const role = `exportkit_runner_${randomBytes(4).toString('hex')}`;
    let db: ScratchDatabase;
    let restricted: Database;
    let dataDir: string;
    const roleUrl = () => {
      const url = new URL(db.url);
      url.username = role;
      url.password = '';
      return url.toString();
    };

    before(async () => {
      db = await scratchDatabase('postgres');
      await loadFixtureDataset(db.knex);
      await db.knex.raw(`CREATE ROLE ${role} LOGIN`);
      for (const statement of leastPrivilegeGrants(role)) await db.knex.raw(statement);
      restricted = await connect(roleUrl());
      dataDir = mkdtempSync(join(tmpdir(), 'exportkit-privileges-'));
    });
    after(async () => {
      await restricted?.close();
      await db?.dispose(); // drops the database, and with it the role's grants there
      await db?.knex.raw(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    });

    const run = async (guid: string) => {
      const warnings: string[] = [];
      const engine = createEngine({ knex: restricted.knex, dataDir });
      const result = await engine.run(parseTemplate(TEMPLATE(guid), 'restricted.yaml', 'yaml'), {
        onProgress: (event: ProgressEvent) => void (event.type === 'warning' && warnings.push(event.message)),
      });
      const [mark] = (await db
        .knex('exportkit.export_runs')
        .where({ export_guid: guid })
        .orderBy('id', 'desc')
        .pluck('delta_mark')) as Array<Date | null>;
      return { rows: result.exports[0]!.rows, warnings, mark };
    };

    it('without pg_read_all_stats: the export runs, and the delta mark stays put (with a warning) rather than risk a loss', async () => {
      const first = await run('least-a');
      expect(first.rows).to.equal(10);
      expect(first.mark).to.equal(null);
      expect(first.warnings.join('\n')).to.match(/hidden from this role.*GRANT pg_read_all_stats/s);
      expect((await run('least-a')).rows, 'everything again: the mark did not advance').to.equal(10);
    });

    it('with pg_read_all_stats (deltaMode grants): the mark advances', async () => {
      for (const statement of leastPrivilegeGrants(role, { deltaMode: true })) await db.knex.raw(statement);
      const first = await run('least-b');
      expect(first.warnings).to.deep.equal([]);
      expect(first.mark).to.be.instanceOf(Date);
      expect((await run('least-b')).rows).to.equal(0);
    });

    it('db migrate with nothing pending succeeds read-only; the role cannot write reference data', async () => {
      const migrate = spawnSync(
        process.execPath,
        ['packages/exportkit/dist/main.js', 'db', 'migrate', '--db', roleUrl()],
        { encoding: 'utf8' },
      );
      expect(migrate.status, migrate.stderr).to.equal(0);
      const denied = await restricted.knex.raw(`UPDATE registrations SET updated_at = now()`).then(
        () => 'allowed',
        (e: Error) => e.message,
      );
      expect(denied).to.match(/permission denied/);
    });
  },
);
