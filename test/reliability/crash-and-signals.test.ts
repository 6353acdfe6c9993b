import { expect } from 'chai';
import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { filesUnder } from '../pipeline/support/steps.js';
import { describeCliOnDatabases, until, type CliEnvironment } from '../pipeline/support/cli-harness.js';

/*
 * Interrupted and killed runs, through the CLI in a child process: a first interrupt stops every
 * phase at once and rolls back; a second one rolls the files back before exiting; after a
 * SIGKILL the next run puts back what the dead run changed and closes its `running` row.
 */

/** Earlier files a run must leave as they were: a report of the same name (the run numbers its own) and an old file cleanFolder removes. */
function plantEarlierFiles(dataDir: string): void {
  mkdirSync(join(dataDir, 'outbox'), { recursive: true });
  writeFileSync(join(dataDir, 'outbox', 'report.csv'), 'earlier report');
  mkdirSync(join(dataDir, 'exports'), { recursive: true });
  writeFileSync(join(dataDir, 'exports', 'stale.csv'), 'stale');
  const old = new Date('2020-01-01T00:00:00Z');
  utimesSync(join(dataDir, 'exports', 'stale.csv'), old, old);
}

/** Every file under the data dir with its content (hidden ones too). */
function contents(dataDir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dataDir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name);
      out[path.slice(dataDir.length + 1)] = readFileSync(path, 'utf8');
    }
  }
  return out;
}

const PAUSED_RUN = (pause: string) =>
  [
    '    consolidators:',
    '      - moveToFolder: { folderPath: outbox, fileName: report }',
    '      - cleanFolder: { dataFolderPath: exports }',
    '    postProcess:',
    '      - packager: { outputFilePath: "bundles/%n" }',
    `      - pauseStep: ${pause}`,
  ].join('\n');

/** A run of another export afterwards (its own zip in exports/), which recovers first. */
async function nextRun(env: CliEnvironment): Promise<string> {
  const child = env.run(env.template('after', ''));
  expect(await child.code, child.stderr()).to.equal(0);
  return child.stderr();
}

describeCliOnDatabases(
  'reliability: interrupted and killed runs',
  (env) => {
    it('a first interrupt stops a slow step at once: exit 130, earlier files back, nothing kept, recorded failed', async () => {
      plantEarlierFiles(env.dataDir);
      const before = contents(env.dataDir);
      const child = env.run(env.template('int-once', PAUSED_RUN('{ ms: 60000 }')));
      await until(() => /pausing/.test(child.stderr()), 60_000, 'the pause step');
      const sent = Date.now();
      child.kill('SIGINT');
      expect(await child.code, child.stderr()).to.equal(130);
      expect(Date.now() - sent, 'stopped promptly').to.be.below(3000);
      expect(contents(env.dataDir)).to.deep.equal(before);
      const record = await env.lastRun('int-once');
      expect(record.status).to.equal('failed');
    });

    it('a second interrupt while a step ignores the first: exits at once with the files rolled back; the next run closes the row', async () => {
      plantEarlierFiles(env.dataDir);
      const before = contents(env.dataDir);
      const child = env.run(env.template('int-twice', PAUSED_RUN('{ ms: 60000, ignoreAbort: yes }')));
      await until(() => /pausing/.test(child.stderr()), 60_000, 'the pause step');
      // Mid-run: the run's files are in place and the earlier report is set aside.
      expect(filesUnder(env.dataDir)).to.include('bundles/demo.zip');
      child.kill('SIGINT');
      await until(() => /interrupt again/.test(child.stderr()), 10_000, 'the first interrupt noticed');
      const sent = Date.now();
      child.kill('SIGINT');
      expect(await child.code, child.stderr()).to.equal(130);
      expect(Date.now() - sent, 'exits at once').to.be.below(2000);
      expect(child.stderr()).to.contain('interrupted twice');
      // The files are back; the journal stays for the next run (an operation in flight may land late).
      const now = contents(env.dataDir);
      expect(Object.keys(now).filter((name) => name.startsWith('.exportkit-work/'))).to.have.length(1);
      expect(
        Object.fromEntries(Object.entries(now).filter(([name]) => !name.startsWith('.exportkit-work/'))),
      ).to.deep.equal(before);
      expect((await env.lastRun('int-twice')).status).to.equal('running');
      await nextRun(env);
      expect(Object.keys(contents(env.dataDir)).filter((name) => name.startsWith('.exportkit-work/'))).to.deep.equal(
        [],
      );
      const record = await env.lastRun('int-twice');
      expect(record.status).to.equal('failed');
      expect(record.error).to.match(/^abandoned: process \d+ on .+ stopped without finishing/);
    });

    it('SIGKILL mid-run: the next run restores the earlier files, removes the dead run’s, and closes its row as abandoned', async () => {
      plantEarlierFiles(env.dataDir);
      const before = contents(env.dataDir);
      const child = env.run(env.template('killed', PAUSED_RUN('{ ms: 60000 }')));
      await until(() => /pausing/.test(child.stderr()), 60_000, 'the pause step');
      child.kill('SIGKILL');
      await child.code;
      // What a SIGKILL leaves: this run's final-looking files, the earlier files hidden, the work folder.
      const left = filesUnder(env.dataDir);
      expect(left).to.include('bundles/demo.zip');
      expect(
        left.filter((name) => /^exports\/\.stale\.csv\.tmp-|^\.exportkit-work\/.+\/journal\.ndjson$/.test(name)),
      ).to.have.length(2);
      expect((await env.lastRun('killed')).status).to.equal('running');

      const log = await nextRun(env);
      expect(log).to.match(/had been abandoned by its process; closed as failed/);
      const after = contents(env.dataDir);
      const newPackage = Object.keys(after).filter((name) => name.startsWith('exports/demo_'));
      expect(newPackage).to.have.length(1);
      for (const name of newPackage) delete after[name];
      expect(after).to.deep.equal(before);
      const record = await env.lastRun('killed');
      expect(record.status).to.equal('failed');
      expect(record.error).to.match(/^abandoned: /);
    });

    it('work folders without a journal: one whose removal was cut short goes at the next run; a fresh one stays (a live run may be making it), an hour-old one goes; an empty journal counts as none', async () => {
      const work = join(env.dataDir, '.exportkit-work');
      const cutShort = join(work, 'demo-0a0b0c0d.removing');
      mkdirSync(join(cutShort, 'scratch'), { recursive: true });
      writeFileSync(join(cutShort, 'scratch', 'part.csv'), 'left by a killed removal');
      const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
      // Without a journal, and with one killed before its owner line was written: fresh and old.
      for (const [name, journal, age] of [
        ['demo-1a1b1c1d', undefined, 'fresh'],
        ['demo-2a2b2c2d', undefined, 'old'],
        ['demo-3a3b3c3d', '', 'fresh'],
        ['demo-4a4b4c4d', '{"pid":12', 'old'],
      ] as const) {
        mkdirSync(join(work, name));
        if (journal !== undefined) writeFileSync(join(work, name, 'journal.ndjson'), journal);
        if (age === 'old') utimesSync(join(work, name), twoHoursAgo, twoHoursAgo);
      }

      const log = await nextRun(env);
      expect(readdirSync(work).sort()).to.deep.equal(['demo-1a1b1c1d', 'demo-3a3b3c3d']);
      expect(log).to.not.match(/recovery:/);
    });
  },
  { rows: 2000 },
);
