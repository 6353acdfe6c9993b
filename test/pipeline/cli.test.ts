import { expect } from 'chai';
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { filesUnder } from './support/steps.js';
import { describeCliOnDatabases, until, writingTemporary } from './support/cli-harness.js';

/*
 * The CLI in a child process (`node packages/exportkit/dist/main.js run …`): exit codes and what is
 * left on disk when a run fails, loses its database, or is interrupted by SIGINT/SIGTERM.
 */

const ROWS = 20_000;
/** Wide enough rows that the first batch (2,000 rows) fills the writer's 64K buffer: a non-empty temporary file means mid-stream. */
const SLOW_COLUMNS = '[itemId, itemLabel, itemAt, itemDay, ownerName, slowValue]';

// These tests interrupt the cursor (FETCH) path mid-stream; the COPY path's are in test/copy-path.
describeCliOnDatabases(
  'pipeline: the CLI keeps nothing of a failed run',
  (env) => {
    const { kind, template, run, lastRun } = env;
    it('succeeds with exit code 0 and prints the package', async () => {
      const child = run(template('cli-ok', '    postProcess:\n      - packager: { type: tgz }'));
      expect(await child.code, child.stderr()).to.equal(0);
      expect(child.stdout()).to.contain(join(env.dataDir, 'exports', 'demo_20210301-090000.tgz'));
      expect(child.stdout()).to.contain(`demo: ${ROWS} rows`);
      expect(filesUnder(env.dataDir)).to.deep.equal(['exports/demo_20210301-090000.tgz']);
    });

    it('a failing post-process step: exit code 1 with the message, nothing kept, the run recorded failed', async () => {
      mkdirSync(join(env.dataDir, 'outbox'));
      writeFileSync(join(env.dataDir, 'outbox', 'report.csv'), 'earlier');
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
      expect(filesUnder(env.dataDir)).to.deep.equal(['outbox/report.csv']);
      expect(readFileSync(join(env.dataDir, 'outbox', 'report.csv'), 'utf8')).to.equal('earlier');
      const record = await lastRun('cli-step-fails');
      expect(record.status).to.equal('failed');
      expect(record.error).to.equal('callback refused (test)');
    });

    if (kind === 'postgres') {
      it('the database connection killed mid-stream: non-zero exit with the message, nothing kept, the run recorded failed', async () => {
        const child = run(
          template('cli-db-lost', '    consolidators:\n      - moveToFolder: { folderPath: outbox }', SLOW_COLUMNS),
        );
        await until(() => writingTemporary(env.dataDir), 60_000, 'the first batch');
        let killed = 0;
        await until(
          async () => {
            const result = await env.withDatabase((knex) =>
              knex.raw(
                "SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'FETCH%'",
              ),
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
        expect(filesUnder(env.dataDir)).to.deep.equal([]);
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
          template(
            guid,
            '    consolidators:\n      - moveToFolder: { folderPath: outbox }\n    postProcess:\n      - packager',
            SLOW_COLUMNS,
          ),
        );
        await until(() => /started/.test(child.stderr()), 60_000, 'the first progress line');
        await until(() => writingTemporary(env.dataDir), 60_000, 'the first batch');
        child.kill(signal);
        expect(await child.code, child.stderr()).to.equal(130);
        expect(child.stderr()).to.contain('interrupted; no file of this run was kept');
        expect(filesUnder(env.dataDir)).to.deep.equal([]);
        const record = await lastRun(guid);
        expect(record.status).to.equal('failed');
        expect(record.error).to.be.a('string').and.not.equal('');
        expect(Number(record.rows)).to.be.within(1, ROWS - 1);
      });
    }
  },
  { rows: ROWS },
);
