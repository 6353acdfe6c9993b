import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { describeOnDemoDatabases } from '../support/demo-suite.js';
import { demoTemplate, engineFor, failureOf, filesUnder, NOW, yaml } from './support/steps.js';

const DAY = 86_400_000;

function put(path: string, content: string, ageDays: number): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  const at = new Date(NOW.getTime() - ageDays * DAY);
  utimesSync(path, at, at);
}

/** Every entry under a folder (folders too, with a trailing /), with each file's content and mtime. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) {
        out[`${relative(dir, path)}/`] = '';
        walk(path);
      } else {
        out[relative(dir, path)] = `${readFileSync(path, 'utf8')} @${statSync(path).mtimeMs}`;
      }
    }
  };
  walk(dir);
  return out;
}

const EVERY_STEP = [
  '    consolidators:',
  '      - timeLogger',
  '      - moveToFolder: { folderPath: outbox, fileName: report }',
  '      - archive: { sourceFolderPath: exports }',
  '      - generateEndFile: { folderPath: flags }',
  '      - cleanFolder',
  '    postProcess:',
  '      - packager: { outputFilePath: "bundles/%n" }',
].join('\n');

describeOnDemoDatabases(
  'pipeline: atomicity',
  (kind, env) => {
    beforeEach(() => {
      put(join(env.dataDir, 'exports', 'demo_20210201-090000.zip'), 'february', 28); // archived
      put(join(env.dataDir, 'exports', 'stale.csv'), 'stale', 60); // cleaned
      put(join(env.dataDir, 'outbox', 'report.csv'), 'earlier report', 1); // kept: this run's takes report-2.csv
    });

    const lastRun = async (guid: string) =>
      (await env.db.knex('exportkit.export_runs').where({ export_guid: guid }).orderBy('id', 'desc'))[0];

    it('with every step succeeding: moved, archived, cleaned, packaged, marked', async () => {
      const result = await engineFor(env.db.knex, env.dataDir).run(
        yaml(demoTemplate(EVERY_STEP, { guid: 'atomic-ok' })),
      );
      expect(filesUnder(env.dataDir)).to.deep.equal([
        'bundles/demo.zip',
        'exports/archive/demo_20210201-090000.zip',
        'flags/demo.end',
        'outbox/report.csv',
      ]);
      expect(readFileSync(join(env.dataDir, 'outbox', 'report.csv'), 'utf8')).to.equal('earlier report');
      expect(
        execFileSync('unzip', ['-Z1', join(env.dataDir, 'bundles', 'demo.zip')], { encoding: 'utf8' })
          .trim()
          .split('\n')
          .sort(),
      ).to.deep.equal(['manifest.json', 'report-2.csv', 'report.log']);
      expect(result.exports[0]!.files.sort()).to.deep.equal([
        join(env.dataDir, 'bundles', 'demo.zip'),
        join(env.dataDir, 'flags', 'demo.end'),
      ]);
      expect((await lastRun('atomic-ok')).status).to.equal('succeeded');
    });

    it('a failing post-process step leaves no file of the run and restores what the run moved, replaced or cleaned', async () => {
      const before = snapshot(env.dataDir);
      const text = demoTemplate(`${EVERY_STEP}\n      - failingStep: { message: "upload refused (test)" }`, {
        guid: 'atomic-fail',
      });
      const error = await failureOf(engineFor(env.db.knex, env.dataDir).run(yaml(text)));
      expect(error?.message).to.equal('upload refused (test)');
      const after = snapshot(env.dataDir);
      delete after['.exportkit-work/']; // the shared scratch root; the run's own folder is gone
      expect(after).to.deep.equal(before);
      const run = await lastRun('atomic-fail');
      expect(run.status).to.equal('failed');
      expect(run.error).to.equal('upload refused (test)');
      expect(Number(run.rows)).to.equal(40);
    });

    it('an abort between batches keeps nothing and records the failure', async () => {
      const before = snapshot(env.dataDir);
      const controller = new AbortController();
      const error = await failureOf(
        engineFor(env.db.knex, env.dataDir, { batchSize: 5 }).run(
          yaml(demoTemplate(EVERY_STEP, { guid: 'atomic-abort' })),
          {
            signal: controller.signal,
            onProgress: (event) => event.type === 'rows' && controller.abort(),
          },
        ),
      );
      expect(error?.name).to.equal('AbortError');
      const after = snapshot(env.dataDir);
      delete after['.exportkit-work/'];
      expect(after).to.deep.equal(before);
      const run = await lastRun('atomic-abort');
      expect(run.status).to.equal('failed');
      expect(Number(run.rows)).to.equal(5);
    });

    it('losing the database connection after the first batch (cursor path) keeps nothing and records the failure', async () => {
      const before = snapshot(env.dataDir);
      let injected = false;
      let restore = () => {};
      let inject: () => void;
      if (kind === 'postgres') {
        // A second connection terminates the backend that holds the cursor, synchronously.
        inject = () => {
          const killed = execFileSync(
            'psql',
            [
              env.db.url,
              '-tAc',
              "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'FETCH%'",
            ],
            { encoding: 'utf8' },
          );
          expect(killed.trim()).to.equal('t');
        };
      } else {
        // PGlite runs in this process: its connection "drops" by refusing the next FETCH.
        const pglite = (await env.db.knex.client.acquireConnection()) as PGlite;
        await env.db.knex.client.releaseConnection(pglite);
        const query = pglite.query.bind(pglite);
        inject = () => {
          pglite.query = (async (sql: string, ...rest: unknown[]) => {
            if (/^\s*FETCH/i.test(sql)) throw new Error('the database connection was lost (injected)');
            return (query as (...args: unknown[]) => unknown)(sql, ...rest);
          }) as PGlite['query'];
        };
        restore = () => {
          pglite.query = query as PGlite['query'];
        };
      }
      try {
        const error = await failureOf(
          engineFor(env.db.knex, env.dataDir, { batchSize: 5, copyPath: 'off' }).run(
            yaml(demoTemplate(EVERY_STEP, { guid: 'atomic-db-lost' })),
            {
              onProgress: (event) => {
                if (event.type === 'rows' && !injected) {
                  injected = true;
                  inject();
                }
              },
            },
          ),
        );
        expect(injected).to.equal(true);
        expect(error).to.be.instanceOf(Error);
        if (kind === 'pglite') expect(error!.message).to.contain('the database connection was lost (injected)');
        else expect(error!.message).to.match(/terminat|connection/i);
        const after = snapshot(env.dataDir);
        delete after['.exportkit-work/'];
        expect(after).to.deep.equal(before);
        const run = await lastRun('atomic-db-lost');
        expect(run.status).to.equal('failed');
        expect(run.error).to.equal(error!.message);
        // The rows written before the loss: the first batch, and the next one when it was already
        // fetched (the cursor asks for batch n+1 while batch n is written) — never all 40.
        expect([5, 10]).to.include(Number(run.rows));
      } finally {
        restore();
      }
      // The engine's connection pool still works afterwards.
      expect((await env.db.knex.raw('SELECT 1 AS one')).rows[0].one).to.equal(1);
    });
  },
  { items: 40 },
);
