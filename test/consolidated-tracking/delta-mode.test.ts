import { expect } from 'chai';
import type { Knex } from 'knex';
import { forEachDatabase } from '../support/databases.js';
import { runExport } from './support/run-export.js';
import { registrationsOf } from './support/fixture-ids.js';

/*
 * Delta mode's SQL against export_runs. The runs a test needs are inserted inside a transaction that
 * is always rolled back, so the shared databases are left as they were.
 */
async function withRuns<T>(
  knex: Knex,
  runs: ReadonlyArray<{ guid: string; mark: string; status: 'running' | 'succeeded' | 'failed' }>,
  body: (trx: Knex) => Promise<T>,
): Promise<T> {
  const trx = await knex.transaction();
  try {
    for (const run of runs) {
      await trx('exportkit.export_runs').insert({
        export_guid: run.guid,
        delta_mark: run.mark,
        status: run.status,
        rows: 0,
      });
    }
    return await body(trx);
  } finally {
    await trx.rollback();
  }
}

forEachDatabase('consolidatedTracking delta mode', (db) => {
  const delta = async (knex: Knex, exportGuid: string, extra: Record<string, string> = {}) =>
    registrationsOf(
      await runExport(knex, {
        columns: ['sessionRegistrationGuid'],
        parameters: { deltaMode: 'yes', ...extra },
        exportGuid,
      }),
    );

  it('the first run (no succeeded run of the guid) exports everything', async () => {
    expect(await delta(db().knex, 'delta-never-ran')).to.deep.equal(['R1', 'R2', 'R3', 'R4', 'R5', 'R6', 'R9', 'R10']);
  });

  it('a later run exports the registrations changed (own or tracking updated_at) at or after the newest mark of its succeeded runs', async () => {
    const runs = [
      { guid: 'delta-a', mark: '2021-02-01T00:00:00Z', status: 'succeeded' as const },
      { guid: 'delta-a', mark: '2021-03-15T00:00:00Z', status: 'succeeded' as const },
      { guid: 'delta-a', mark: '2021-04-30T00:00:00Z', status: 'failed' as const },
      { guid: 'delta-a', mark: '2021-05-01T00:00:00Z', status: 'running' as const },
      { guid: 'delta-other', mark: '2021-06-01T00:00:00Z', status: 'succeeded' as const },
    ];
    await withRuns(db().knex, runs, async (trx) => {
      expect(await delta(trx, 'delta-a')).to.deep.equal(['R2', 'R3', 'R4', 'R9', 'R10']);
      expect(await delta(trx, 'delta-a', { withoutLaunchTime: 'yes' })).to.deep.equal([
        'R2',
        'R3',
        'R4',
        'R7',
        'R8',
        'R9',
        'R10',
      ]);
      expect(await delta(trx, 'delta-other')).to.deep.equal([]);
      expect(await delta(trx, 'delta-only-failed')).to.deep.equal(['R1', 'R2', 'R3', 'R4', 'R5', 'R6', 'R9', 'R10']);
    });
  });

  it('"at or after": a change at the very instant of the mark comes again', async () => {
    await withRuns(db().knex, [{ guid: 'delta-b', mark: '2021-03-27T12:30:00Z', status: 'succeeded' }], async (trx) => {
      expect(await delta(trx, 'delta-b')).to.deep.equal(['R2', 'R4', 'R9', 'R10']);
    });
  });

  it('a succeeded run without a mark (not incremental, or from before marks were recorded) does not count', async () => {
    await withRuns(db().knex, [{ guid: 'delta-d', mark: '2021-06-01T00:00:00Z', status: 'failed' }], async (trx) => {
      await trx('exportkit.export_runs').insert({ export_guid: 'delta-d', status: 'succeeded', rows: 0 });
      expect(await delta(trx, 'delta-d')).to.deep.equal(['R1', 'R2', 'R3', 'R4', 'R5', 'R6', 'R9', 'R10']);
    });
  });

  it('only failed runs do not move the mark', async () => {
    await withRuns(db().knex, [{ guid: 'delta-c', mark: '2021-06-01T00:00:00Z', status: 'failed' }], async (trx) => {
      expect(await delta(trx, 'delta-c')).to.deep.equal(['R1', 'R2', 'R3', 'R4', 'R5', 'R6', 'R9', 'R10']);
    });
  });
});
