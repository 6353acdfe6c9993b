/*
 * What the delivery tests share: the demo export on a scratch PGlite database (the deliveries do
 * not depend on the database kind; the end-to-end test runs on both), a fresh data directory per
 * test, an engine with delivery options, and a check that no output holds a secret.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { createEngine } from 'exportkit';
import { EXPORT_DELIVERIES, EXPORT_RUNS, type DeliveryOptions, type Engine, type Logger } from '@exportkit/core';
import type { Knex } from 'knex';
import {
  postgresAvailable,
  scratchDatabase,
  type DatabaseKind,
  type ScratchDatabase,
} from '../../support/databases.js';
import { createDemoTables } from '../../support/demo-data.js';
import { NOW, pipelinePlugins } from '../../pipeline/support/steps.js';

export { demoTemplate, failureOf, filesUnder, yaml, NOW } from '../../pipeline/support/steps.js';

/** Quick retries: 2 attempts, 50 ms apart, 2 s each (the tests of timeouts set their own). */
export const QUICK_RETRY = { attempts: 2, backoffMs: 50, timeoutMs: 2000 };

export interface DeliveryEnvironment {
  db: ScratchDatabase;
  dataDir: string;
  /** Every line the engine logged (JSON), for the secret checks. */
  logLines: string[];
  engine(delivery: DeliveryOptions): Engine;
}

/**
 * A suite over a scratch database with the demo rows, a fresh data directory per test: on
 * PGlite, and also on PostgreSQL with `bothDatabases` (the suite that checks the engine's
 * records; skipped with the reason in its title when DATABASE_URL is unset).
 */
export function describeDelivery(
  title: string,
  body: (env: DeliveryEnvironment) => void,
  options: { bothDatabases?: boolean } = {},
): void {
  for (const kind of options.bothDatabases ? (['pglite', 'postgres'] as const) : (['pglite'] as const)) {
    const name = options.bothDatabases ? `${title} [${kind}]` : title;
    const skipped = kind === 'postgres' && !postgresAvailable;
    (skipped ? describe.skip : describe)(skipped ? `${name} — skipped: DATABASE_URL is not set` : name, () =>
      deliverySuite(kind, body),
    );
  }
}

/** The hooks and engine of one delivery suite on one database kind. */
function deliverySuite(kind: DatabaseKind, body: (env: DeliveryEnvironment) => void): void {
  const env = { logLines: [] as string[] } as DeliveryEnvironment;
  before(async () => {
    env.db = await scratchDatabase(kind);
    await createDemoTables(env.db.knex, 5);
  });
  after(async () => env.db?.dispose());
  beforeEach(() => {
    env.dataDir = mkdtempSync(join(tmpdir(), 'exportkit-delivery-'));
    env.logLines.length = 0;
  });
  afterEach(() => rmSync(env.dataDir, { recursive: true, force: true }));
  env.engine = (delivery) =>
    createEngine({
      knex: env.db.knex,
      plugins: pipelinePlugins,
      dataDir: env.dataDir,
      now: NOW,
      delivery,
      logger: recordingLogger(env.logLines),
    });
  body(env);
}

/** A logger keeping every line as JSON, as pino would write it. */
export function recordingLogger(lines: string[], fields: Record<string, unknown> = {}): Logger {
  const line = (level: string) => (more: Record<string, unknown>, message: string) =>
    void lines.push(JSON.stringify({ level, ...fields, ...more, msg: message }));
  return {
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    child: (more) => recordingLogger(lines, { ...fields, ...more }),
  };
}

/** The rows of export_deliveries of a run, in order. */
export async function deliveriesOf(knex: Knex, runId?: number): Promise<Array<Record<string, unknown>>> {
  const query = knex(EXPORT_DELIVERIES).orderBy('id').select('run_id', 'step', 'target', 'attempts', 'status', 'error');
  const rows = (await (runId === undefined ? query : query.where({ run_id: runId }))) as Array<Record<string, unknown>>;
  return rows.map((row) => ({ ...row, run_id: Number(row['run_id']) }));
}

/** The newest export_runs row. */
export async function lastRun(knex: Knex): Promise<Record<string, unknown>> {
  return (await knex(EXPORT_RUNS).orderBy('id', 'desc').first()) as Record<string, unknown>;
}

/**
 * The secret appears nowhere: not in the texts given (error messages, stdout, stderr, log lines),
 * not in any file under the data directory, not in a row of export_runs or export_deliveries.
 */
export async function expectSecretNowhere(
  secret: string,
  texts: readonly string[],
  dataDir: string,
  knex: Knex,
): Promise<void> {
  for (const text of texts) expect(text, 'an output').not.to.contain(secret);
  for (const file of readdirSync(dataDir, { recursive: true }).map(String)) {
    const path = join(dataDir, file);
    if (statSync(path).isFile()) expect(readFileSync(path).includes(secret), file).to.equal(false);
  }
  const rows = [
    ...((await knex(EXPORT_RUNS).select()) as unknown[]),
    ...((await knex(EXPORT_DELIVERIES).select()) as unknown[]),
  ];
  expect(JSON.stringify(rows), 'export_runs / export_deliveries').not.to.contain(secret);
}
