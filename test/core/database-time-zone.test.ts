import { expect } from 'chai';
import type { Knex } from 'knex';
import { databaseKnowsZone, type SqlFragment } from '@exportkit/core';
import { forEachDatabase } from '../support/databases.js';

/* The one time zone check that needs the database: does its tz database know the name? */
forEachDatabase('the database knows the time zone', (db) => {
  const query = <T>(fragment: SqlFragment) =>
    db()
      .knex.raw(fragment.sql, fragment.bindings as Knex.RawBinding[])
      .then((result: { rows: T[] }) => result.rows);

  it('a region name it knows, and one it does not (error 22023 is an answer, not a failure)', async () => {
    expect(await databaseKnowsZone({ query }, 'America/Argentina/Buenos_Aires')).to.equal(true);
    expect(await databaseKnowsZone({ query }, 'Europe/Atlantis')).to.equal(false);
  });
});
