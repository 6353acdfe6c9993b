import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '@exportkit/db';
import { describeOnDemoDatabases } from '../support/demo-suite.js';
import { demoTemplate, engineFor, failureOf, filesUnder, stepHooks, yaml } from '../pipeline/support/steps.js';

/*
 * The lock that keeps an incremental export's runs apart lives with a PostgreSQL connection.
 * When that connection is terminated, another run may start; the first must then not record a
 * success (it would move the delta mark past rows it may not have seen) nor keep its files.
 */
describeOnDemoDatabases('reliability: losing the lock of an incremental export', (kind, env) => {
  afterEach(() => {
    stepHooks.postProcess = undefined;
  });

  if (kind === 'postgres') {
    it('its connection terminated mid-run: a second run gets in; the first fails, keeps nothing, is recorded failed', async () => {
      const template = yaml(
        demoTemplate('    postProcess:\n      - hookStep', { guid: 'lock-lost', parameters: '      exclusive: yes' }),
      );
      const other = await connect(env.db.url); // another process's pool, as far as the lock can tell
      let secondFiles: string[] = [];
      try {
        stepHooks.postProcess = async () => {
          stepHooks.postProcess = undefined; // the second run passes through
          const killed = await env.db.knex.raw(
            `SELECT pg_terminate_backend(l.pid) AS killed FROM pg_locks l
             WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
          );
          expect(killed.rows).to.have.length(1);
          secondFiles = (await engineFor(other.knex, env.dataDir).run(template)).exports[0]!.files;
        };
        const error = await failureOf(engineFor(env.db.knex, env.dataDir).run(template));
        expect(error?.message).to.match(/export lock-lost: the lock that keeps its runs apart was lost/);
      } finally {
        await other.close();
      }
      expect(secondFiles).to.deep.equal([join(env.dataDir, 'exports', 'demo_20210301-090000.zip')]);
      expect(filesUnder(env.dataDir)).to.deep.equal(['exports/demo_20210301-090000.zip']);
      expect(existsSync(join(env.dataDir, '.exportkit-work'))).to.equal(false);
      const runs = (await env.db
        .knex('exportkit.export_runs')
        .where({ export_guid: 'lock-lost' })
        .orderBy('id')) as Array<{ status: string; error: string | null; delta_mark: Date | null }>;
      expect(runs.map((r) => r.status)).to.deep.equal(['failed', 'succeeded']);
      expect(runs[0]!.error).to.match(/lock .* was lost/);
      expect(runs[0]!.delta_mark).to.equal(null);
    });
  }

  it('an incremental run records its delta mark and gives the lock back: the next run gets it', async () => {
    const template = yaml(demoTemplate('', { guid: 'lock-release', parameters: '      exclusive: yes' }));
    for (let i = 0; i < 2; i += 1)
      expect((await engineFor(env.db.knex, env.dataDir).run(template)).exports[0]!.files).to.have.length(1);
    const runs = (await env.db
      .knex('exportkit.export_runs')
      .where({ export_guid: 'lock-release' })
      .orderBy('id')) as Array<{ status: string; delta_mark: Date | null }>;
    expect(runs.map((r) => r.status)).to.deep.equal(['succeeded', 'succeeded']);
    for (const run of runs) expect(run.delta_mark).to.be.instanceOf(Date);
  });
});
