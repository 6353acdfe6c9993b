import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { EngineStateMissingError, engineStateStatus, migrateEngineState, parseTemplate } from '@exportkit/core';
import { createEngine } from 'exportkit';
import { connect, leastPrivilegeGrants, REFERENCE_TABLES, type Database } from '@exportkit/db';
import { postgresAvailable, scratchDatabase, type ScratchDatabase } from '../support/databases.js';
import { loadFixtureDataset } from '../fixtures/dataset.js';

/*
 * The engine keeps its own state in its own schema (exportkit.export_runs). A host database has
 * its own tables and none of the engine's: the first run creates the engine's schema when the
 * role may, else stops with an error naming the one command that creates it; that command
 * creates nothing else. A database of an earlier version (export_runs in public) is adopted.
 */
const TEMPLATE = `exports:
  - guid: engine-state
    name: engine-state
    provider: consolidatedTracking
    columns: [registrationGuid, candidateName]
    parameters:
      withoutLaunchTime: yes
`;

const tablesOf = async (knex: Knex, schema: string): Promise<string[]> =>
  (
    (await knex.raw(`SELECT table_name FROM information_schema.tables WHERE table_schema = ? ORDER BY 1`, [
      schema,
    ])) as { rows: Array<{ table_name: string }> }
  ).rows.map((r) => r.table_name);

const dropEngineSchema = (knex: Knex) => knex.raw('DROP SCHEMA IF EXISTS exportkit CASCADE');

for (const kind of ['pglite', 'postgres'] as const) {
  const skip = kind === 'postgres' && !postgresAvailable;
  (skip ? describe.skip : describe)(
    `engine state in its own schema [${kind}]${skip ? ' — skipped: DATABASE_URL is not set' : ''}`,
    function () {
      this.timeout(180_000);
      let db: ScratchDatabase;
      let dataDir: string;
      before(async () => {
        db = await scratchDatabase(kind);
        await loadFixtureDataset(db.knex);
        dataDir = mkdtempSync(join(tmpdir(), 'exportkit-engine-state-'));
      });
      after(async () => {
        await db?.dispose();
        rmSync(dataDir, { recursive: true, force: true });
      });

      it('a database with only the host tables: the first run creates exportkit.export_runs, and nothing in the host schema', async () => {
        await dropEngineSchema(db.knex);
        const before = await tablesOf(db.knex, 'public');
        const result = await createEngine({ knex: db.knex, dataDir }).run(
          parseTemplate(TEMPLATE, 'engine-state.yaml', 'yaml'),
        );
        expect(result.exports[0]!.rows).to.be.greaterThan(0);
        expect(await tablesOf(db.knex, 'exportkit')).to.deep.equal([
          'engine_migrations',
          'engine_migrations_lock',
          'export_deliveries',
          'export_runs',
        ]);
        expect(await tablesOf(db.knex, 'public')).to.deep.equal(before);
        const runs = (await db.knex('exportkit.export_runs').where({ export_guid: 'engine-state' })) as Array<{
          status: string;
        }>;
        expect(runs.map((r) => r.status)).to.deep.equal(['succeeded']);
      });

      it('adopts export_runs of an earlier version from public, with its history', async () => {
        await migrateEngineState(db.knex);
        const [{ count }] = (await db.knex('exportkit.export_runs').count({ count: '*' })) as Array<{
          count: string | number;
        }>;
        // The earlier layout: the table and Knex's bookkeeping in public, under their old names.
        await db.knex.raw('ALTER TABLE exportkit.export_runs SET SCHEMA public');
        for (const suffix of ['', '_lock']) {
          await db.knex.raw(
            `ALTER TABLE exportkit.engine_migrations${suffix} RENAME TO exportkit_engine_migrations${suffix}`,
          );
          await db.knex.raw(`ALTER TABLE exportkit.exportkit_engine_migrations${suffix} SET SCHEMA public`);
        }
        await dropEngineSchema(db.knex);
        expect((await engineStateStatus(db.knex)).upToDate).to.equal(false);

        expect(await migrateEngineState(db.knex)).to.deep.equal([]);
        expect((await engineStateStatus(db.knex)).upToDate).to.equal(true);
        const [after] = (await db.knex('exportkit.export_runs').count({ count: '*' })) as Array<{
          count: string | number;
        }>;
        expect(Number(after!.count)).to.equal(Number(count)).and.to.be.greaterThan(0);
        expect(await tablesOf(db.knex, 'public')).to.not.include('export_runs');
      });
    },
  );
}

(postgresAvailable ? describe : describe.skip)(
  postgresAvailable
    ? 'engine state: a role that may not create it [postgres]'
    : 'engine state: a role that may not create it [postgres] — skipped: DATABASE_URL is not set',
  function () {
    this.timeout(180_000);
    const role = `exportkit_host_${randomBytes(4).toString('hex')}`;
    let db: ScratchDatabase;
    let restricted: Database;
    let dataDir: string;
    const urlAs = (user: string) => {
      const url = new URL(db.url);
      url.username = user;
      url.password = '';
      return url.toString();
    };

    before(async () => {
      db = await scratchDatabase('postgres');
      await loadFixtureDataset(db.knex);
      await dropEngineSchema(db.knex);
      await db.knex.raw(`CREATE ROLE ${role} LOGIN`);
      // The host's grants only: it reads its tables, and may create nothing.
      await db.knex.raw(`GRANT USAGE ON SCHEMA public TO ${role}`);
      await db.knex.raw(`GRANT SELECT ON ${REFERENCE_TABLES.join(', ')} TO ${role}`);
      restricted = await connect(urlAs(role));
      dataDir = mkdtempSync(join(tmpdir(), 'exportkit-engine-state-'));
    });
    after(async () => {
      await restricted?.close();
      await db?.dispose();
      await db?.knex.raw(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    });

    const run = () =>
      createEngine({ knex: restricted.knex, dataDir }).run(parseTemplate(TEMPLATE, 'engine-state.yaml', 'yaml'));

    it('refuses the run with an error naming the command that creates the table, and writes nothing', async () => {
      const error = await run().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(EngineStateMissingError);
      expect((error as Error).message)
        .to.contain('exportkit.export_runs')
        .and.to.contain('exportkit db migrate --engine-only')
        .and.to.match(/permission denied/);
      expect(await tablesOf(db.knex, 'exportkit')).to.deep.equal([]);
    });

    it('db migrate --engine-only as the owner creates the engine schema only; then the role runs with the least-privilege grants', async () => {
      const publicTables = await tablesOf(db.knex, 'public');
      const migrate = spawnSync(
        process.execPath,
        ['packages/exportkit/dist/main.js', 'db', 'migrate', '--engine-only', '--db', db.url],
        { encoding: 'utf8' },
      );
      expect(migrate.status, migrate.stderr).to.equal(0);
      expect(await tablesOf(db.knex, 'exportkit')).to.deep.equal([
        'engine_migrations',
        'engine_migrations_lock',
        'export_deliveries',
        'export_runs',
      ]);
      expect(await tablesOf(db.knex, 'public')).to.deep.equal(publicTables);
      for (const statement of leastPrivilegeGrants(role)) await db.knex.raw(statement);
      expect((await run()).exports[0]!.rows).to.be.greaterThan(0);
    });
  },
);
