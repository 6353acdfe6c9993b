/*
 * The CLI in a child process (`node packages/exportkit/dist/main.js run …`) against a database it can
 * open (a PGlite folder, or a scratch PostgreSQL database), with a fresh data directory per test:
 * what the tests of failures, signals and crashes share.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, migrate } from '@exportkit/db';
import type { Knex } from 'knex';
import {
  postgresAvailable,
  scratchDatabase,
  type DatabaseKind,
  type ScratchDatabase,
} from '../../support/databases.js';
import { createDemoTables } from '../../support/demo-data.js';
import { demoTemplate } from './steps.js';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(here, '../../../..');
const MAIN = join(ROOT, 'packages/exportkit/dist/main.js');
/** The plugin the CLI tests pass with --plugin (demo provider, test steps). */
export const PLUGIN = join(here, 'cli-plugin.js');

export interface Child {
  code: Promise<number | null>;
  stdout(): string;
  stderr(): string;
  kill(signal: NodeJS.Signals): void;
  pid: number;
}

/** Starts the CLI; the cursor path unless `env` says otherwise (the COPY path's tests are in test/copy-path). */
export function cli(args: string[], env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, [MAIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, EXPORTKIT_DEBUG: '', EXPORTKIT_COPY_PATH: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return {
    code: new Promise((ok) => child.on('close', (code, signal) => ok(code ?? (signal ? -1 : null)))),
    stdout: () => out,
    stderr: () => err,
    kill: (signal) => child.kill(signal),
    pid: child.pid!,
  };
}

/** Resolves once `test` holds (polling), or rejects after `ms`. */
export async function until(test: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A temporary file of the run, already holding rows: the stream is past its first batch. */
export function writingTemporary(dataDir: string): boolean {
  const work = join(dataDir, '.exportkit-work');
  if (!existsSync(work)) return false;
  return readdirSync(work, { recursive: true })
    .map(String)
    .some((f) => /\.tmp-/.test(f) && (statSync(join(work, f), { throwIfNoEntry: false })?.size ?? 0) > 0);
}

/** What a CLI test gets: the database's URL, a data dir, and helpers bound to both. */
export interface CliEnvironment {
  readonly kind: DatabaseKind;
  readonly url: string;
  readonly dataDir: string;
  readonly work: string;
  /** The database, opened for a moment (PGlite allows one process at a time). */
  withDatabase<T>(body: (knex: Knex) => Promise<T>): Promise<T>;
  /** Writes a demo template (guid, extra export keys, columns) and returns its path. */
  template(guid: string, extra: string, columns?: string): string;
  /** `exportkit run <path>` on this database and data dir, `--now` fixed, with the test plugin. */
  run(path: string, extraArgs?: string[]): Child;
  /** The newest export_runs row of a guid. */
  lastRun(guid: string): Promise<Record<string, unknown>>;
}

/**
 * Defines `title [pglite]` and `title [postgres]` suites (the latter skipped, saying why, without
 * DATABASE_URL) over a database holding `rows` demo items, opened by the CLI processes.
 */
export function describeCliOnDatabases(
  title: string,
  body: (env: CliEnvironment) => void,
  options: { rows?: number } = {},
): void {
  for (const kind of ['pglite', 'postgres'] as const) {
    const name = `${title} [${kind}]`;
    const skipped = kind === 'postgres' && !postgresAvailable;
    (skipped ? describe.skip : describe)(skipped ? `${name} — skipped: DATABASE_URL is not set` : name, function () {
      this.timeout(120_000);
      let scratch: ScratchDatabase | undefined;
      let pgliteDir: string | undefined;
      const env = { kind } as { -readonly [K in keyof CliEnvironment]: CliEnvironment[K] };

      env.withDatabase = async (bodyFn) => {
        if (scratch) return bodyFn(scratch.knex);
        const db = await connect(env.url);
        try {
          return await bodyFn(db.knex);
        } finally {
          await db.close();
        }
      };
      env.template = (guid, extra, columns = '[itemId, itemLabel]') => {
        const path = join(env.work, `${guid}.yaml`);
        writeFileSync(path, demoTemplate(extra, { guid, columns }));
        return path;
      };
      env.run = (path, extraArgs = []) =>
        cli([
          'run',
          path,
          '--db',
          env.url,
          '--data-dir',
          env.dataDir,
          '--now',
          '2021-03-01T08:00:00Z',
          '--plugin',
          PLUGIN,
          ...extraArgs,
        ]);
      env.lastRun = (guid) =>
        env.withDatabase(
          async (knex) => (await knex('exportkit.export_runs').where({ export_guid: guid }).orderBy('id', 'desc'))[0],
        );

      before(async function () {
        this.timeout(300_000);
        if (kind === 'postgres') {
          scratch = await scratchDatabase('postgres');
          env.url = scratch.url;
        } else {
          pgliteDir = mkdtempSync(join(tmpdir(), 'exportkit-cli-pglite-'));
          env.url = `file:${pgliteDir}`;
          await env.withDatabase((knex) => migrate(knex));
        }
        await env.withDatabase((knex) => createDemoTables(knex, options.rows ?? 20_000));
      });
      after(async () => {
        await scratch?.dispose();
        if (pgliteDir) rmSync(pgliteDir, { recursive: true, force: true });
      });
      beforeEach(() => {
        env.work = mkdtempSync(join(tmpdir(), 'exportkit-cli-'));
        env.dataDir = join(env.work, 'data');
        mkdirSync(env.dataDir);
      });
      afterEach(() => rmSync(env.work, { recursive: true, force: true }));
      body(env);
    });
  }
}
