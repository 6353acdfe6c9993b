/*
 * Mocha root hooks (registered in .mocharc.json): after the whole run, close every test database
 * and drop the PostgreSQL ones that the harness created; without DATABASE_URL, say that the
 * PostgreSQL half did not run.
 */
import type { RootHookObject } from 'mocha';
import { disposeAllDatabases, skippedHalfNotice } from './databases.js';

export const mochaHooks: RootHookObject = {
  async afterAll(this: Mocha.Context) {
    this.timeout(120_000);
    try {
      await disposeAllDatabases();
    } finally {
      const notice = skippedHalfNotice();
      if (notice) process.stdout.write(`\n${notice}\n`);
    }
  },
};
