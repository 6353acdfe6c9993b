import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, DatabaseInUseError, migrate } from '@exportkit/db';
import { createDemoTables } from '../support/demo-data.js';
import { demoTemplate } from '../pipeline/support/steps.js';
import { cli, PLUGIN } from '../pipeline/support/cli-harness.js';

/*
 * PGlite is PostgreSQL inside one process: a folder opened by two processes loses one's writes
 * (three concurrent delta runs all exported everything, and 2 of 3 export_runs rows were lost).
 * A second process is refused, naming the holder; a dead holder's lock is taken over.
 */
describe('reliability: one process per PGlite folder', function () {
  this.timeout(180_000);
  let dir: string;
  let folder: string;
  let url: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'exportkit-pglite-lock-'));
    folder = join(dir, 'db');
    url = `file:${folder}`;
    const db = await connect(url);
    try {
      await migrate(db.knex);
      await createDemoTables(db.knex, 200);
    } finally {
      await db.close();
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a second opener in this process or another is refused with the holder named; closing releases the folder', async () => {
    const first = await connect(url);
    try {
      expect(readFileSync(`${folder}.lock`, 'utf8')).to.contain(`"pid":${process.pid}`);
      const error = await connect(url).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(DatabaseInUseError);
      expect((error as Error).message).to.match(
        new RegExp(`in use by process ${process.pid} on ${hostname()} since .*PGlite allows one process at a time`),
      );
      const other = spawnSync(process.execPath, ['packages/exportkit/dist/main.js', 'db', 'migrate', '--db', url], {
        encoding: 'utf8',
      });
      expect(other.status).to.equal(1);
      expect(other.stderr).to.contain(`in use by process ${process.pid}`);
      expect(other.stderr).not.to.match(/\n\s+at /);
    } finally {
      await first.close();
    }
    expect(existsSync(`${folder}.lock`)).to.equal(false);
    const again = await connect(url);
    await again.close();
  });

  it('a lock left by a dead process of this host is taken over', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(
      `${folder}.lock`,
      JSON.stringify({ pid: Number(dead.stdout), host: hostname(), since: '2026-01-01T00:00:00Z', command: 'killed' }),
    );
    const db = await connect(url);
    try {
      expect(JSON.parse(readFileSync(`${folder}.lock`, 'utf8')).pid).to.equal(process.pid);
    } finally {
      await db.close();
    }
  });

  it('three concurrent delta runs on one folder: one runs, the others are refused, and export_runs agrees with the exits', async () => {
    const template = join(dir, 'delta.yaml');
    writeFileSync(template, demoTemplate('', { guid: 'pglite-delta', parameters: '      exclusive: yes' }));
    const runs = [1, 2, 3].map((i) =>
      cli(['run', template, '--db', url, '--data-dir', join(dir, `data-${i}`), '--plugin', PLUGIN]),
    );
    const codes = await Promise.all(runs.map((r) => r.code));
    const succeeded = codes.filter((c) => c === 0).length;
    expect(succeeded).to.be.at.least(1);
    for (const [i, code] of codes.entries()) {
      if (code !== 0) {
        expect(code).to.equal(1);
        expect(runs[i]!.stderr()).to.match(/is in use by process \d+/);
      }
    }
    const db = await connect(url);
    try {
      const rows = (await db.knex('exportkit.export_runs').where({ export_guid: 'pglite-delta' })) as Array<{
        status: string;
      }>;
      expect(rows.map((r) => r.status)).to.deep.equal(Array(succeeded).fill('succeeded'));
    } finally {
      await db.close();
    }
  });
});
