import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresAvailable, scratchDatabase, type DatabaseKind, type ScratchDatabase } from './databases.js';
import { createDemoTables } from './demo-data.js';

/** What a demo suite's tests use: a scratch database with the demo tables, and a fresh data dir per test. */
export interface DemoEnvironment {
  readonly db: ScratchDatabase;
  readonly dataDir: string;
}

/**
 * Defines `title [pglite]` and `title [postgres]` suites over a scratch database holding
 * `items` demo rows (test/support/demo-data.ts), with a fresh data directory for every test.
 * The PostgreSQL suite is skipped, with the reason in its title, when DATABASE_URL is unset.
 */
export function describeOnDemoDatabases(
  title: string,
  body: (kind: DatabaseKind, env: DemoEnvironment) => void,
  options: { items?: number } = {},
): void {
  for (const kind of ['pglite', 'postgres'] as const) {
    const name = `${title} [${kind}]`;
    const skipped = kind === 'postgres' && !postgresAvailable;
    (skipped ? describe.skip : describe)(skipped ? `${name} — skipped: DATABASE_URL is not set` : name, () => {
      const env = {} as { db: ScratchDatabase; dataDir: string };
      before(async () => {
        env.db = await scratchDatabase(kind);
        await createDemoTables(env.db.knex, options.items ?? 5);
      });
      after(async () => env.db?.dispose());
      beforeEach(() => {
        env.dataDir = mkdtempSync(join(tmpdir(), 'exportkit-test-'));
      });
      afterEach(() => rmSync(env.dataDir, { recursive: true, force: true }));
      body(kind, env);
    });
  }
}
