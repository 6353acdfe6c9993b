import { expect } from 'chai';
import { mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DataPaths } from '@exportkit/core';
import { createEngine } from 'exportkit';
import { connect, migrate } from '@exportkit/db';
import { describeOnDemoDatabases } from '../support/demo-suite.js';
import { runCli } from '../hostile/refusal.js';
import { demoTemplate, engineFor, failureOf, filesUnder, NOW, pipelinePlugins, yaml } from './support/steps.js';

/*
 * The folders the engine chooses itself — the run's work folder `.exportkit-work/<name>-<random>`
 * and the default package's `exports` — go through the same path guard as template paths: a
 * symbolic link planted there, out of the data directory, is refused and nothing is written
 * outside. An explicit out folder outside the data directory is the user's choice and is used.
 */

describeOnDemoDatabases('pipeline: links planted in the data directory', (kind, env) => {
  let outside: string;
  beforeEach(() => {
    outside = mkdtempSync(join(tmpdir(), 'exportkit-elsewhere-'));
  });
  afterEach(() => rmSync(outside, { recursive: true, force: true }));

  const runsOf = (guid: string) => env.db.knex('exportkit.export_runs').where({ export_guid: guid }).orderBy('id');

  for (const [planted, what] of [
    ['.exportkit-work', 'the work folder'],
    ['exports', 'the output folder'],
  ] as const) {
    it(`${planted} -> elsewhere: the run is refused, naming ${what}, and writes nothing outside`, async () => {
      symlinkSync(outside, join(env.dataDir, planted));
      const guid = `planted-${planted.replace('.', '')}`;
      const error = await failureOf(engineFor(env.db.knex, env.dataDir).run(yaml(demoTemplate('', { guid }))));
      expect(error?.message).to.match(
        new RegExp(
          `^${what}: "${planted.replace('.', '\\.')}.*" leads through a symbolic link out of the data directory`,
        ),
      );
      expect(readdirSync(outside)).to.deep.equal([]);
      expect(filesUnder(env.dataDir)).to.deep.equal([planted]);
      const [run] = await runsOf(guid);
      expect(run.status).to.equal('failed');
      expect(run.error).to.equal(error!.message);
    });
  }

  it('exports -> elsewhere from the command line: exit 1 with the message, no stack trace, nothing outside', async () => {
    symlinkSync(outside, join(env.dataDir, 'exports'));
    const scratch = mkdtempSync(join(tmpdir(), 'exportkit-planted-cli-'));
    const template = join(scratch, 'planted.yaml');
    writeFileSync(template, demoTemplate('', { guid: 'planted-cli' }));
    try {
      // The guard runs before the query: on PGlite a migrated database of the child's own will do.
      const url = kind === 'postgres' ? env.db.url : `file:${join(scratch, 'pglite')}`;
      if (kind === 'pglite') {
        const db = await connect(url);
        await migrate(db.knex).finally(() => db.close());
      }
      const outcome = runCli([
        'run',
        template,
        '--db',
        url,
        '--data-dir',
        env.dataDir,
        '--plugin',
        resolve('test/dist/pipeline/support/cli-plugin.js'),
      ]);
      expect(outcome.code, outcome.stderr).to.equal(1);
      expect(outcome.stderr).to.match(
        /^exportkit: the output folder: "exports" leads through a symbolic link out of the data directory /m,
      );
      expect(outcome.stderr, 'no stack trace').not.to.match(/\n\s+at .+[(:]\d+/);
      expect(readdirSync(outside)).to.deep.equal([]);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('an explicit out folder outside the data directory is used as given', async () => {
    const engine = createEngine({
      knex: env.db.knex,
      plugins: pipelinePlugins,
      dataDir: env.dataDir,
      outDir: outside,
      now: NOW,
    });
    const result = await engine.run(yaml(demoTemplate('', { guid: 'explicit-out' })));
    expect(result.exports[0]!.files).to.deep.equal([join(outside, 'demo_20210301-090000.zip')]);
    expect(readdirSync(outside)).to.deep.equal(['demo_20210301-090000.zip']);
    expect(filesUnder(env.dataDir)).to.deep.equal([]);
  });
});

describe('pipeline: DataPaths.guard', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'exportkit-guard-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('follows a dangling link to where it points: refused when that is outside, accepted when inside', () => {
    const paths = new DataPaths(dir);
    symlinkSync(join(tmpdir(), `exportkit-nowhere-${process.pid}`, 'x'), join(dir, 'exports'));
    expect(() => paths.guard(join(dir, 'exports', 'a.zip'), 'the output folder')).to.throw(
      `the output folder: "exports/a.zip" leads through a symbolic link out of the data directory ${dir}`,
    );
    symlinkSync('real/sub', join(dir, 'inside'));
    expect(paths.guard(join(dir, 'inside', 'a.zip'), 'the output folder')).to.equal(join(dir, 'inside', 'a.zip'));
    symlinkSync('loop-b', join(dir, 'loop-a'));
    symlinkSync('loop-a', join(dir, 'loop-b'));
    expect(() => paths.guard(join(dir, 'loop-a', 'a.zip'), 'the output folder')).to.throw(
      /leads through a symbolic link/,
    );
  });

  it('takes a path outside the data directory (an explicit --out) as given', () => {
    expect(new DataPaths(dir).guard(join(tmpdir(), 'elsewhere'), 'the output folder')).to.equal(
      join(tmpdir(), 'elsewhere'),
    );
  });
});
