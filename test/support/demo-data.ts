import type { Knex } from 'knex';

/** Tables of the test provider (support/test-provider.ts), created in a scratch database. */
export async function createDemoTables(knex: Knex, items = 5): Promise<void> {
  await knex.raw('CREATE TABLE demo_owners (id int PRIMARY KEY, name text, boss_id int)');
  await knex.raw(
    'CREATE TABLE demo_items (id int PRIMARY KEY, label text, at timestamptz, day date, score numeric, owner_id int)',
  );
  await knex.raw(`INSERT INTO demo_owners VALUES (1, 'Ada', NULL), (2, 'Grace', 1)`);
  await knex.raw(
    `INSERT INTO demo_items
       SELECT g, 'item ' || g, timestamptz '2021-02-24 23:30:00+00' + (g || ' hours')::interval,
              date '2021-02-24' + g, g * 1.25, 1 + g % 2
       FROM generate_series(1, ?) g`,
    [items],
  );
}
