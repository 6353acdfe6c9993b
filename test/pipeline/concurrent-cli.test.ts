import { expect } from 'chai';
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, migrate } from '@exportkit/db';
import { scratchDatabase, postgresAvailable, type ScratchDatabase } from '../support/databases.js';
import { createDemoTables } from '../support/demo-data.js';
import { demoTemplate, filesUnder } from './support/steps.js';

/*
 * Six CLI processes run one export, with the same --now, into one data directory at once: each
 * gets its own package (-2, -3 …), complete, at the path it prints. PGlite `file:` databases
 * cannot be shared by processes, so on PGlite each process has its own copy of one database.
 */

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const MAIN = join(root, 'packages/exportkit/dist/main.js');
const PLUGIN = join(here, 'support/cli-plugin.js');
const PROCESSES = 6;

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[]): Promise<Outcome> {
  return new Promise((ok) => {
    execFile(
      process.execPath,
      [MAIN, ...args],
      { cwd: root, env: { ...process.env, EXPORTKIT_DEBUG: '' } },
      (error, stdout, stderr) => {
        ok({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

for (const kind of ['pglite', 'postgres'] as const) {
  const title = `pipeline: concurrent CLI runs of one export [${kind}]`;
  (kind === 'postgres' && !postgresAvailable ? describe.skip : describe)(
    kind === 'postgres' && !postgresAvailable ? `${title} — skipped: DATABASE_URL is not set` : title,
    function () {
      this.timeout(180_000);
      let scratch: ScratchDatabase | undefined;
      let work: string;
      let urls: string[];

      before(async function () {
        this.timeout(300_000);
        work = mkdtempSync(join(tmpdir(), 'exportkit-concurrent-'));
        if (kind === 'postgres') {
          scratch = await scratchDatabase('postgres');
          await createDemoTables(scratch.knex, 500);
          urls = Array.from({ length: PROCESSES }, () => scratch!.url);
        } else {
          const seeded = join(work, 'pglite-0');
          const db = await connect(`file:${seeded}`);
          try {
            await migrate(db.knex);
            await createDemoTables(db.knex, 500);
          } finally {
            await db.close();
          }
          urls = Array.from({ length: PROCESSES }, (_, i) => {
            const copy = join(work, `pglite-${i + 1}`);
            cpSync(seeded, copy, { recursive: true });
            return `file:${copy}`;
          });
        }
      });
      after(async () => {
        await scratch?.dispose();
        if (work) rmSync(work, { recursive: true, force: true });
      });

      it(`${PROCESSES} runs at once with the same --now: ${PROCESSES} distinct, complete zips at the printed paths`, async () => {
        const dataDir = join(work, 'data');
        mkdirSync(dataDir);
        const template = join(work, 'shared.yaml');
        writeFileSync(template, demoTemplate('', { guid: 'shared' }).replace('name: demo', 'name: shared'));
        const outcomes = await Promise.all(
          urls.map((url) =>
            cli([
              'run',
              template,
              '--db',
              url,
              '--data-dir',
              dataDir,
              '--now',
              '2021-03-01T08:00:00Z',
              '--plugin',
              PLUGIN,
            ]),
          ),
        );
        for (const outcome of outcomes) expect(outcome.code, outcome.stderr).to.equal(0);
        const printed = outcomes.map((o) => o.stdout.split('\n').filter((line) => line.endsWith('.zip')));
        for (const paths of printed) expect(paths).to.have.length(1);
        const packages = printed.flat();
        expect(new Set(packages).size, packages.join('\n')).to.equal(PROCESSES);
        for (const path of packages) {
          expect(existsSync(path), path).to.equal(true);
          execFileSync('unzip', ['-tq', path]);
          expect(execFileSync('unzip', ['-Z1', path], { encoding: 'utf8' }).trim().split('\n').sort()).to.deep.equal([
            'manifest.json',
            'shared.csv',
          ]);
        }
        const expected = [
          'shared_20210301-090000.zip',
          ...Array.from({ length: PROCESSES - 1 }, (_, i) => `shared_20210301-090000-${i + 2}.zip`),
        ];
        expect(filesUnder(dataDir)).to.deep.equal(expected.map((name) => `exports/${name}`).sort());
        expect(packages.map((p) => p.slice(join(dataDir, 'exports').length + 1)).sort()).to.deep.equal(expected.sort());
      });
    },
  );
}
