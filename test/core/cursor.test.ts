import { expect } from 'chai';
import { streamQuery } from '@exportkit/core';
import { forEachDatabase } from '../support/databases.js';

forEachDatabase('cursor streaming', (db) => {
  it('fetches a result in batches of the given size, in order, with bindings', async () => {
    const { knex } = db();
    const sizes: number[] = [];
    const values: number[] = [];
    const query = {
      sql: 'SELECT g::int AS n, ?::text AS tag FROM generate_series(1, 2500) AS g ORDER BY g',
      bindings: ['x'],
    };
    for await (const batch of streamQuery(knex, query, { batchSize: 1000 })) {
      sizes.push(batch.length);
      for (const row of batch) {
        expect(row[1]).to.equal('x');
        values.push(Number(row[0]));
      }
    }
    expect(sizes).to.deep.equal([1000, 1000, 500]);
    expect(values).to.have.length(2500);
    expect(values.every((v, i) => v === i + 1)).to.equal(true);
  });

  it('sends DECLARE then FETCHes, never the whole query as one result', async () => {
    const { knex } = db();
    const statements: string[] = [];
    const listen = (q: { sql: string }) => statements.push(q.sql.split(/\s+/)[0]!.toUpperCase());
    knex.on('query', listen);
    try {
      let rows = 0;
      for await (const batch of streamQuery(
        knex,
        { sql: 'SELECT g FROM generate_series(1, 300) g', bindings: [] },
        { batchSize: 100 },
      ))
        rows += batch.length;
      expect(rows).to.equal(300);
    } finally {
      knex.off('query', listen);
    }
    const fetches = statements.filter((s) => s === 'FETCH').length;
    expect(statements).to.include('DECLARE');
    expect(fetches).to.equal(4); // 3 full batches, then an empty one that ends the loop
    expect(statements.filter((s) => s === 'SELECT')).to.have.length(0);
  });

  it('stops between batches when aborted, and the connection stays usable', async () => {
    const { knex } = db();
    const controller = new AbortController();
    let seen = 0;
    let error: unknown;
    try {
      for await (const batch of streamQuery(
        knex,
        { sql: 'SELECT g FROM generate_series(1, 1000) g', bindings: [] },
        { batchSize: 100, signal: controller.signal },
      )) {
        seen += batch.length;
        controller.abort();
      }
    } catch (e) {
      error = e;
    }
    expect(seen).to.equal(100);
    expect((error as Error)?.name).to.equal('AbortError');
    const { rows } = (await knex.raw('SELECT 1 AS one')) as { rows: Array<{ one: number }> };
    expect(rows[0]!.one).to.equal(1);
  });

  it('rolls back and rethrows when the query fails mid-stream', async () => {
    const { knex } = db();
    let seen = 0;
    let error: unknown;
    try {
      const query = { sql: 'SELECT 10 / (5 - g) AS v FROM generate_series(1, 10) g', bindings: [] };
      for await (const batch of streamQuery(knex, query, { batchSize: 2 })) seen += batch.length;
    } catch (e) {
      error = e;
    }
    expect(seen).to.equal(4);
    expect(String((error as Error)?.message)).to.match(/division by zero/);
    const { rows } = (await knex.raw('SELECT 2 AS two')) as { rows: Array<{ two: number }> };
    expect(rows[0]!.two).to.equal(2);
  });
});
