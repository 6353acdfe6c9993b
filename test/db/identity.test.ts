import { expect } from 'chai';
import { migrate, migrationStatus, rollbackAll, syncIdentitySequences } from '@exportkit/db';
import { postgresAvailable, scratchDatabase, type ScratchDatabase } from '../support/databases.js';

for (const kind of ['pglite', 'postgres'] as const) {
  const skip = kind === 'postgres' && !postgresAvailable;
  (skip ? describe.skip : describe)(
    `syncIdentitySequences and migrations [${kind}]${skip ? ' — skipped: DATABASE_URL is not set' : ''}`,
    () => {
      let db: ScratchDatabase;
      before(async function () {
        this.timeout(300_000);
        db = await scratchDatabase(kind);
      });
      after(async () => db?.dispose());

      it('moves every identity sequence past the explicit ids, so that default inserts keep working', async () => {
        const { knex } = db;
        await knex('publishers').insert([
          { id: 1, name: 'one' },
          { id: 2, name: 'two' },
          { id: 7, name: 'seven' },
        ]);
        // Before: the sequence still starts at 1 and collides with the explicit ids.
        let collision: unknown;
        await knex
          .transaction((trx) => trx('publishers').insert({ name: 'collides' }))
          .catch((e: unknown) => (collision = e));
        expect(String(collision)).to.match(/duplicate key/);

        const moved = await syncIdentitySequences(knex);
        expect(moved).to.deep.include({ table: 'publishers', column: 'id', next: 8 });
        expect(moved).to.deep.include({ table: 'learners', column: 'id', next: 1 }); // empty table: back to 1

        const [publisher] = await knex('publishers').insert({ name: 'eight' }).returning('id');
        expect(Number((publisher as { id: number }).id)).to.equal(8);
        // Idempotent.
        expect((await syncIdentitySequences(knex)).find((m) => m.table === 'publishers')).to.deep.equal({
          table: 'publishers',
          column: 'id',
          next: 9,
        });
      });

      it('rolls back, and migrates only exportkit.export_runs for a host database (--engine-only): no reference table', async () => {
        const { knex } = db;
        const tables = async () =>
          (
            (await knex.raw(
              `SELECT table_schema || '.' || table_name AS name FROM information_schema.tables WHERE table_name IN ('learners', 'export_runs') ORDER BY 1`,
            )) as { rows: Array<{ name: string }> }
          ).rows.map((r) => r.name);
        await rollbackAll(knex);
        expect(await tables()).to.deep.equal([]);
        expect((await migrationStatus(knex)).pending).to.deep.equal([
          'schema/001_reference_schema',
          'engine/001_export_runs',
          'engine/002_run_state',
          'engine/003_export_deliveries',
        ]);
        expect(await migrate(knex, { referenceSchema: false })).to.deep.equal([
          'engine/001_export_runs',
          'engine/002_run_state',
          'engine/003_export_deliveries',
        ]);
        expect(await tables()).to.deep.equal(['exportkit.export_runs']);
        expect(await migrationStatus(knex, { referenceSchema: false })).to.include({ upToDate: true });
        expect(await migrate(knex)).to.deep.equal(['schema/001_reference_schema']);
        expect(await tables()).to.deep.equal(['exportkit.export_runs', 'public.learners']);
      });
    },
  );
}
