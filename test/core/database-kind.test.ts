import { expect } from 'chai';
import knexFactory from 'knex';
import { isPostgresServer } from '@exportkit/core';
import { connect } from '@exportkit/db';

/*
 * One answer to "is this a PostgreSQL server?" for the lock, the heartbeat and the COPY path: a
 * host's knex configured as `postgres` or `postgresql` used to lose the cross-process lock.
 */
describe('core: the database kind', () => {
  for (const client of ['pg', 'postgres', 'postgresql'] as const) {
    it(`a knex with client "${client}" is a PostgreSQL server`, async () => {
      const knex = knexFactory({ client, connection: { host: '127.0.0.1' } });
      try {
        expect(isPostgresServer(knex)).to.equal(true);
      } finally {
        await knex.destroy();
      }
    });
  }

  it('PGlite is not', async () => {
    const db = await connect('memory:');
    try {
      expect(isPostgresServer(db.knex)).to.equal(false);
    } finally {
      await db.close();
    }
  });
});
