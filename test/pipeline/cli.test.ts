import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, migrate } from '@exportkit/db';
import type { Knex } from 'knex';
import { scratchDatabase, postgresAvailable, type ScratchDatabase } from '../support/databases.js';
import { createDemoTables } from '../support/demo-data.js';
import { demoTemplate, filesUnder } from './support/steps.js';

/*
 * The CLI in a child process (`node packages/cli/dist/main.js run …`): exit codes and what is
 * left on disk when a run fails, loses its database, or is interrupted by SIGINT/SIGTERM.
 */

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const MAIN = join(root, 'packages/cli/dist/main.js');
const PLUGIN = join(here, 'support/cli-plugin.js');
const ROWS = 20_000;
/** Wide enough rows that the first batch (2,000 rows) fills the writer's 64K buffer: a non-empty temporary file means mid-stream. */
const SLOW_COLUMNS = '[itemId, itemLabel, itemAt, itemDay, ownerName, slowValue]';

interface Child {
  code: Promise<number | null>;
  stdout(): string;
  stderr(): string;
  kill(signal: NodeJS.Signals): void;
}

// These tests interrupt the cursor (FETCH) path mid-stream; the COPY path's are in test/copy-path.
function cli(args: string[]): Child {
  const child = spawn(process.execPath, [MAIN, ...args], { cwd: root, env: { ...process.env, EXPORTKIT_DEBUG: '', EXPORTKIT_COPY_PATH: 'off' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return {
    code: new Promise((ok) => child.on('close', (code, signal) => ok(code ?? (signal ? -1 : null)))),
    stdout: () => out,
    stderr: () => err,
    kill: (signal) => child.kill(signal),
  };
}

/** Resolves once `test` holds (polling), or rejects after `ms`. */
async function until(test: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A temporary file of the run, already holding rows: the stream is past its first batch. */
function writingTemporary(dataDir: string): boolean {
  const work = join(dataDir, '.exportkit-work');
  if (!existsSync(work)) return false;
  return readdirSync(work, { recursive: true })
    .map(String)
    .some((f) => /\.tmp-/.test(f) && statSync(join(work, f), { throwIfNoEntry: false })?.size! > 0);
}

for (const kind of ['pglite', 'postgres'] as const) {
  const title = `pipeline: the CLI keeps nothing of a failed run [${kind}]`;
  (kind === 'postgres' && !postgresAvailable ? describe.skip : describe)(
    kind === 'postgres' && !postgresAvailable ? `${title} — skipped: DATABASE_URL is not set` : title,
    function () {
      this.timeout(120_000);
      let scratch: ScratchDatabase | undefined;
      let pgliteDir: string | undefined;
      let url: string;
      let dataDir: string;
      let work: string;

      /** The database, opened for a moment (PGlite allows one process at a time). */
      async function withDatabase<T>(body: (knex: Knex) => Promise<T>): Promise<T> {
        if (scratch) return body(scratch.knex);
        const db = await connect(url);
        try {
          return await body(db.knex);
        } finally {
          await db.close();
        }
      }

      before(async function () {
        this.timeout(300_000);
        if (kind === 'postgres') {
          scratch = await scratchDatabase('postgres');
          url = scratch.url;
        } else {
          pgliteDir = mkdtempSync(join(tmpdir(), 'exportkit-cli-pglite-'));
          url = `file:${pgliteDir}`;
          await withDatabase((knex) => migrate(knex));
        }
        await withDatabase((knex) => createDemoTables(knex, ROWS));
      });
      after(async () => {
        await scratch?.dispose();
        if (pgliteDir) rmSync(pgliteDir, { recursive: true, force: true });
      });
      beforeEach(() => {
        work = mkdtempSync(join(tmpdir(), 'exportkit-cli-'));
        dataDir = join(work, 'data');
        mkdirSync(dataDir);
      });
      afterEach(() => rmSync(work, { recursive: true, force: true }));

      const template = (guid: string, extra: string, columns = '[itemId, itemLabel]') => {
        const path = join(work, `${guid}.yaml`);
        writeFileSync(path, demoTemplate(extra, { guid, columns }));
        return path;
      };
      const run = (path: string) => cli(['run', path, '--db', url, '--data-dir', dataDir, '--now', '2021-03-01T08:00:00Z', '--plugin', PLUGIN]);
      const lastRun = (guid: string) =>
        withDatabase(async (knex) => (await knex('export_runs').where({ export_guid: guid }).orderBy('id', 'desc'))[0]);

      it('succeeds with exit code 0 and prints the package', async () => {
        const child = run(template('cli-ok', '    postProcess:\n      - packager: { type: tgz }'));
        expect(await child.code, child.stderr()).to.equal(0);
        expect(child.stdout()).to.contain(join(dataDir, 'exports', 'demo_20210301-090000.tgz'));
        expect(child.stdout()).to.contain(`demo: ${ROWS} rows`);
        expect(filesUnder(dataDir)).to.deep.equal(['exports/demo_20210301-090000.tgz']);
      });

      it('a failing post-process step: exit code 1 with the message, nothing kept, the run recorded failed', async () => {
        mkdirSync(join(dataDir, 'outbox'));
        writeFileSync(join(dataDir, 'outbox', 'report.csv'), 'earlier');
        const child = run(
          template(
            'cli-step-fails',
            [
              '    consolidators:',
              '      - moveToFolder: { folderPath: outbox, fileName: report }',
              '      - generateEndFile',
              '    postProcess:',
              '      - packager',
              '      - failingStep: { message: "callback refused (test)" }',
            ].join('\n'),
          ),
        );
        expect(await child.code).to.equal(1);
        expect(child.stderr()).to.contain('exportkit: callback refused (test)');
        expect(filesUnder(dataDir)).to.deep.equal(['outbox/report.csv']);
        expect(readFileSync(join(dataDir, 'outbox', 'report.csv'), 'utf8')).to.equal('earlier');
        const record = await lastRun('cli-step-fails');
        expect(record.status).to.equal('failed');
        expect(record.error).to.equal('callback refused (test)');
      });

      if (kind === 'postgres') {
        it('the database connection killed mid-stream: non-zero exit with the message, nothing kept, the run recorded failed', async () => {
          const child = run(template('cli-db-lost', '    consolidators:\n      - moveToFolder: { folderPath: outbox }', SLOW_COLUMNS));
          await until(() => writingTemporary(dataDir), 60_000, 'the first batch');
          let killed = 0;
          await until(
            async () => {
              const result = await scratch!.knex.raw(
                "SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'FETCH%'",
              );
              killed += result.rows.filter((r: { killed: boolean }) => r.killed).length;
              return killed > 0;
            },
            30_000,
            'the cursor backend',
          );
          const code = await child.code;
          expect(code).to.equal(1);
          const message = /exportkit: (.*)/.exec(child.stderr())?.[1];
          expect(message).to.match(/terminat|connection/i);
          expect(filesUnder(dataDir)).to.deep.equal([]);
          const record = await lastRun('cli-db-lost');
          expect(record.status).to.equal('failed');
          expect(record.error).to.equal(message);
          expect(Number(record.rows)).to.be.within(1, ROWS - 1);
        });
      }

      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        it(`${signal} during the stream: exit code 130, nothing kept, the run recorded failed`, async () => {
          const guid = `cli-${signal.toLowerCase()}`;
          const child = run(
            template(guid, '    consolidators:\n      - moveToFolder: { folderPath: outbox }\n    postProcess:\n      - packager', SLOW_COLUMNS),
          );
          await until(() => /started/.test(child.stderr()), 60_000, 'the first progress line');
          await until(() => writingTemporary(dataDir), 60_000, 'the first batch');
          child.kill(signal);
          expect(await child.code, child.stderr()).to.equal(130);
          expect(child.stderr()).to.contain('interrupted; no file of this run was kept');
          expect(filesUnder(dataDir)).to.deep.equal([]);
          const record = await lastRun(guid);
          expect(record.status).to.equal('failed');
          expect(record.error).to.be.a('string').and.not.equal('');
          expect(Number(record.rows)).to.be.within(1, ROWS - 1);
        });
      }
    },
  );
}
