import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { parseTemplate, type Engine } from '@exportkit/core';
import { createEngine } from 'exportkit';
import { postgresAvailable, scratchDatabase, type DatabaseKind, type ScratchDatabase } from '../support/databases.js';
import { loadFixtureDataset } from '../fixtures/dataset.js';

/*
 * Delta mode is at least once, never lost. A row's updated_at is its transaction's start; a
 * transaction that is open while a run takes its snapshot commits rows the run cannot see, with
 * a time before the run started. The mark must therefore come from the database, moved back to
 * the oldest open transaction, or such rows are in no file ever (the bug this guards against:
 * the mark was the run's start on the Node clock).
 */
const TEMPLATE = `exports:
  - guid: delta-watermark
    name: delta
    provider: consolidatedTracking
    columns: [registrationGuid]
    parameters:
      deltaMode: yes
      withoutLaunchTime: yes
    actions:
      - fileExportAction: { format: CSV }
`;

for (const kind of ['postgres', 'pglite'] as const) {
  const skipped = kind === 'postgres' && !postgresAvailable;
  const title = `reliability: delta mode never loses a change [${kind}]`;
  (skipped ? describe.skip : describe)(skipped ? `${title} — skipped: DATABASE_URL is not set` : title, function () {
    this.timeout(300_000);
    let db: ScratchDatabase;
    let dataDir: string;
    let engine: Engine;
    let registrationIds: number[];
    let idOfGuid: Map<string, number>;

    before(async () => {
      db = await scratchDatabase(kind as DatabaseKind);
      await loadFixtureDataset(db.knex);
      const registrations = (await db.knex('registrations').select('id', 'guid').orderBy('id')) as Array<{
        id: number;
        guid: string;
      }>;
      registrationIds = registrations.map((r) => Number(r.id));
      idOfGuid = new Map(registrations.map((r) => [r.guid.toLowerCase(), Number(r.id)]));
    });
    after(async () => db?.dispose());
    beforeEach(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'exportkit-delta-'));
      engine = createEngine({ knex: db.knex, dataDir });
      await db.knex('exportkit.export_runs').where({ export_guid: 'delta-watermark' }).delete();
    });
    afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

    /** One delta run: the registration ids of its file. */
    const deltaRun = async (): Promise<Set<number>> => {
      const [zip] = (await engine.run(parseTemplate(TEMPLATE, 'delta.yaml', 'yaml'))).exports[0]!.files;
      const csv = execFileSync('unzip', ['-p', zip!, 'delta.csv'], { encoding: 'utf8' });
      return new Set(
        csv
          .split('\r\n')
          .slice(1)
          .filter(Boolean)
          .map((guid) => idOfGuid.get(guid.toLowerCase())!),
      );
    };
    const touch = (
      ids: readonly number[],
      client: { query(sql: string, values: unknown[]): Promise<unknown> } | undefined = undefined,
    ) => {
      const sql = 'UPDATE registrations SET updated_at = now() WHERE id = ANY($1::bigint[])';
      return client ? client.query(sql, [ids]) : db.knex.raw(sql.replace('$1', '?'), [[...ids]]);
    };

    if (kind === 'postgres') {
      it('a row updated in a transaction open during a run (BEGIN; UPDATE; pg_sleep; COMMIT) is in the next run’s file', async () => {
        expect([...(await deltaRun())].sort((a, b) => a - b)).to.deep.equal(registrationIds);
        const target = registrationIds[3]!;
        const writer = new pg.Client({ connectionString: db.url });
        writer.on('error', () => undefined);
        await writer.connect();
        try {
          const sleeping = writer.query(
            `BEGIN; UPDATE registrations SET updated_at = now() WHERE id = ${target}; SELECT pg_sleep(3); COMMIT;`,
          );
          await waitFor(
            async () =>
              (
                await db.knex.raw(
                  `SELECT 1 FROM pg_stat_activity WHERE query LIKE '%pg_sleep(3)%' AND state = 'active' AND pid <> pg_backend_pid()`,
                )
              ).rows.length > 0,
          );
          const during = await deltaRun();
          expect(during.has(target), 'invisible while its transaction is open').to.equal(false);
          await sleeping;
        } finally {
          await writer.end();
        }
        expect((await deltaRun()).has(target), 'in the run after the commit').to.equal(true);
      });
    }

    it(`${kind === 'postgres' ? 100 : 25} interleaved cycles of random updates${kind === 'postgres' ? ' (some in transactions straddling a run)' : ''} and delta runs: every change is in a later file`, async () => {
      const random = seeded(kind === 'postgres' ? 7 : 11);
      const pick = (from: readonly number[], n: number) => [...from].sort(() => random() - 0.5).slice(0, n);
      /** Changes committed, not yet in a file of a run that started after their commit. */
      const pending = new Set<number>();
      const writer = kind === 'postgres' ? new pg.Client({ connectionString: db.url }) : undefined;
      writer?.on('error', () => undefined); // ended below; the database is dropped after
      await writer?.connect();
      try {
        await deltaRun(); // the first run: everything
        for (let cycle = 0; cycle < (writer ? 100 : 25); cycle += 1) {
          const committed = pick(registrationIds, 1 + Math.floor(random() * 3));
          const straddling =
            writer && random() < 0.4
              ? pick(
                  registrationIds.filter((id) => !committed.includes(id)),
                  1 + Math.floor(random() * 2),
                )
              : [];
          if (random() < 0.5) await touch(committed);
          else
            await db.knex.raw('UPDATE trackings SET updated_at = now() WHERE registration_id = ANY(?::bigint[])', [
              committed,
            ]);
          for (const id of committed) pending.add(id);
          if (straddling.length) {
            await writer!.query('BEGIN');
            await touch(straddling, writer);
          }
          const exported = await deltaRun();
          if (straddling.length) await writer!.query('COMMIT');
          for (const id of exported) pending.delete(id);
          for (const id of straddling) pending.add(id); // committed after this run's snapshot
        }
        for (const id of await deltaRun()) pending.delete(id);
      } finally {
        await writer?.end();
      }
      expect([...pending], 'changes in no later file').to.deep.equal([]);
    });
  });
}

async function waitFor(test: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    if (await test()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('timed out');
}

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
