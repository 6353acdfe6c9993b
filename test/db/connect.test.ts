import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { connect, describeTarget, parseTarget, type Database } from '@exportkit/db';
import { databaseUrl, postgresAvailable } from '../support/databases.js';

describe('connect(): targets', () => {
  const cwd = '/srv/app';

  it('reads the accepted forms of target', () => {
    expect(parseTarget(undefined, { cwd })).to.deep.equal({
      kind: 'pglite',
      dataDir: '/srv/app/.exportkit/pglite',
      target: 'file:/srv/app/.exportkit/pglite',
    });
    expect(parseTarget('file:data/db', { cwd })).to.deep.equal({
      kind: 'pglite',
      dataDir: '/srv/app/data/db',
      target: 'file:/srv/app/data/db',
    });
    expect(parseTarget('file:/var/lib/ek', { cwd })).to.deep.include({ kind: 'pglite', dataDir: '/var/lib/ek' });
    expect(parseTarget(pathToFileURL('/var/lib/my db').href, { cwd })).to.deep.include({
      kind: 'pglite',
      dataDir: '/var/lib/my db',
    });
    expect(parseTarget('memory:', { cwd })).to.deep.equal({ kind: 'pglite', dataDir: undefined, target: 'memory:' });
    expect(parseTarget('postgres://u:secret@db.local:5433/lms', { cwd })).to.deep.equal({
      kind: 'postgres',
      url: 'postgres://u:secret@db.local:5433/lms',
      target: 'postgres://u:secret@db.local:5433/lms',
    });
    expect(parseTarget('postgresql://db.local/lms', { cwd })).to.include({ kind: 'postgres' });
  });

  it('rejects anything else with an error naming the accepted forms, without the password', () => {
    for (const target of [
      'mysql://root:secret@localhost/lms',
      'lms.db',
      '',
      'file:',
      'postgres://',
      'sqlite::memory:',
    ]) {
      expect(() => parseTarget(target, { cwd }), JSON.stringify(target)).to.throw(
        /Accepted: .*file:PATH.*memory:.*postgres:\/\//,
      );
    }
    expect(() => parseTarget('mysql://root:secret@localhost/lms')).to.throw(/"mysql:\/\/root@localhost\/lms"/);
    expect(() => parseTarget('mysql://root:secret@localhost/lms')).to.not.throw(/secret/);
  });

  it('describes a target without its password', () => {
    expect(describeTarget('postgres://app:s3cr%40t@db:5432/lms')).to.equal('postgres://app@db:5432/lms');
    expect(describeTarget('postgresql://app@db/lms?sslmode=require&password=x')).to.equal(
      'postgresql://app@db/lms?sslmode=require',
    );
    expect(describeTarget('postgres://db/lms?password=x&sslmode=require')).to.equal(
      'postgres://db/lms?sslmode=require',
    );
    expect(describeTarget('postgres://:only-password@db/lms')).to.equal('postgres://db/lms');
    expect(describeTarget('memory:')).to.equal('memory:');
    expect(describeTarget('file:/data/pglite')).to.equal('file:/data/pglite');
    expect(describeTarget(undefined)).to.equal('file:.exportkit/pglite (default)');
  });
});

describe('connect(): PGlite', function () {
  this.timeout(300_000);
  let dir: string;
  const opened: Database[] = [];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'exportkit-connect-'));
  });
  after(async () => {
    for (const db of opened) await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('defaults to an embedded database in <cwd>/.exportkit/pglite, created on first use and kept on disk', async () => {
    const first = await connect(undefined, { cwd: dir });
    opened.push(first);
    expect(first.kind).to.equal('pglite');
    expect(first.target).to.equal(`file:${join(dir, '.exportkit/pglite')}`);
    expect(existsSync(join(dir, '.exportkit/pglite', 'PG_VERSION'))).to.equal(true);
    await first.knex.raw('CREATE TABLE kept (n int)');
    await first.knex('kept').insert({ n: 42 });
    await first.close();
    await first.close(); // twice is fine

    const again = await connect('file:.exportkit/pglite', { cwd: dir });
    opened.push(again);
    expect(again.target).to.equal(first.target);
    expect(await again.knex('kept').select('n')).to.deep.equal([{ n: 42 }]);
    // bigint as number, date as UTC midnight: the same on both kinds.
    const [row] = (await again.knex.raw(`SELECT 5::bigint AS b, DATE '2024-02-29' AS d, 1.50::numeric(5,2) AS n`)).rows;
    expect(row).to.deep.equal({ b: 5, d: new Date('2024-02-29T00:00:00Z'), n: '1.50' });
    await again.close();
  });
});

(postgresAvailable ? describe : describe.skip)(
  `connect(): PostgreSQL${postgresAvailable ? '' : ' — skipped: DATABASE_URL is not set'}`,
  function () {
    this.timeout(60_000);

    it('connects with pg and returns values as PGlite does', async () => {
      const db = await connect(databaseUrl);
      try {
        expect(db.kind).to.equal('postgres');
        expect(db.target).to.equal(databaseUrl);
        const [row] = (
          await db.knex.raw(
            `SELECT 5::bigint AS b, 9007199254740993::bigint AS big, DATE '2024-02-29' AS d, 1.50::numeric(5,2) AS n`,
          )
        ).rows;
        expect(row).to.deep.equal({ b: 5, big: 9007199254740993n, d: new Date('2024-02-29T00:00:00Z'), n: '1.50' });
      } finally {
        await db.close();
      }
    });

    it('fails at once, naming the server without its password, when it cannot connect', async () => {
      let error: unknown;
      await connect('postgres://someone:hunter2@127.0.0.1:1/nowhere').catch((e: unknown) => (error = e));
      expect(String(error)).to.match(/cannot connect to PostgreSQL at postgres:\/\/someone@127\.0\.0\.1:1\/nowhere/);
      expect(String(error)).to.not.contain('hunter2');
    });
  },
);
