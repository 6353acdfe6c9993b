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
  runs: ReadonlyArray<{ guid: string; startedAt: string; status: 'running' | 'succeeded' | 'failed' }>,
  body: (trx: Knex) => Promise<T>,
): Promise<T> {
  const trx = await knex.transaction();
  try {
    for (const run of runs) {
      await trx('export_runs').insert({ export_guid: run.guid, started_at: run.startedAt, status: run.status, rows: 0 });
    }
    return await body(trx);
  } finally {
    await trx.rollback();
  }
}

forEachDatabase('consolidatedTracking delta mode', (db) => {
  const delta = async (knex: Knex, exportGuid: string, extra: Record<string, string> = {}) =>
    registrationsOf(await runExport(knex, { columns: ['sessionRegistrationGuid'], parameters: { deltaMode: 'yes', ...extra }, exportGuid }));

  it('the first run (no succeeded run of the guid) exports everything', async () => {
    expect(await delta(db().knex, 'delta-never-ran')).to.deep.equal(['R1', 'R2', 'R3', 'R4', 'R5', 'R6', 'R9', 'R10']);
  });

  it('a later run exports the registrations changed (own or tracking updated_at) since the last succeeded run started', async () => {
    const runs = [
      { guid: 'delta-a', startedAt: '2021-02-01T00:00:00Z', status: 'succeeded' as const },
      { guid: 'delta-a', startedAt: '2021-03-15T00:00:00Z', status: 'succeeded' as const },
      { guid: 'delta-a', startedAt: '2021-04-30T00:00:00Z', status: 'failed' as const },
      { guid: 'delta-a', startedAt: '2021-05-01T00:00:00Z', status: 'running' as const },
      { guid: 'delta-other', startedAt: '2021-06-01T00:00:00Z', status: 'succeeded' as const },
    ];
    await withRuns(db().knex, runs, async (trx) => {
      expect(await delta(trx, 'delta-a')).to.deep.equal(['R2', 'R3', 'R4', 'R9', 'R10']);
      expect(await delta(trx, 'delta-a', { withoutLaunchTime: 'yes' })).to.deep.equal(['R2', 'R3', 'R4', 'R7', 'R8', 'R9', 'R10']);
      expect(await delta(trx, 'delta-other')).to.deep.equal([]);
      expect(await delta(trx, 'delta-only-failed')).to.deep.equal(['R1', 'R2', 'R3', 'R4', 'R5', 'R6', 'R9', 'R10']);
    });
  });

  it('"at or after": a change at the very instant the last run started comes again', async () => {
    await withRuns(db().knex, [{ guid: 'delta-b', startedAt: '2021-03-27T12:30:00Z', status: 'succeeded' }], async (trx) => {
      expect(await delta(trx, 'delta-b')).to.deep.equal(['R2', 'R4', 'R9', 'R10']);
    });
  });

  it('only failed runs do not move the mark', async () => {
    await withRuns(db().knex, [{ guid: 'delta-c', startedAt: '2021-06-01T00:00:00Z', status: 'failed' }], async (trx) => {
      expect(await delta(trx, 'delta-c')).to.deep.equal(['R1', 'R2', 'R3', 'R4', 'R5', 'R6', 'R9', 'R10']);
    });
  });
});
