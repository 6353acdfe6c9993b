import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeArchive } from '@exportkit/writers';
import { describeOnDemoDatabases } from '../support/demo-suite.js';
import { demoTemplate, engineFor, failureOf, filesUnder, yaml } from '../pipeline/support/steps.js';

/*
 * An interrupt must stop every phase at once, packaging included (people press Ctrl-C again
 * when it does not, and a second interrupt leaves no time for anything but the files).
 */
describe('reliability: an abort stops packaging at once', function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'exportkit-abort-'));
    const out = createWriteStream(join(dir, 'big.bin'));
    for (let i = 0; i < 64; i += 1) out.write(randomBytes(1 << 20)); // incompressible: compression takes a while
    out.end();
    await finished(out);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writeArchive rejects with the abort within 100 ms of it, mid-way through 64 MB', async () => {
    const whole = performance.now();
    await writeArchive('zip', join(dir, 'whole.zip'), [{ name: 'big.bin', path: join(dir, 'big.bin') }]);
    const wholeMs = performance.now() - whole;
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(), Math.min(50, wholeMs / 4));
    const error = await failureOf(
      writeArchive('zip', join(dir, 'cut.zip'), [{ name: 'big.bin', path: join(dir, 'big.bin') }], controller.signal),
    );
    const elapsed = performance.now() - started;
    expect(error?.name).to.equal('AbortError');
    expect(elapsed, `whole archive: ${wholeMs.toFixed(0)} ms`).to.be.below(Math.min(50, wholeMs / 4) + 100);
  });
});

describeOnDemoDatabases('reliability: an aborted run keeps nothing, whatever phase it is in', (_kind, env) => {
  for (const phase of ['query', 'consolidate', 'package'] as const) {
    it(`aborted when the ${phase} phase starts: AbortError, no file, the run recorded failed`, async () => {
      const controller = new AbortController();
      const error = await failureOf(
        engineFor(env.db.knex, env.dataDir).run(
          yaml(demoTemplate('    consolidators:\n      - timeLogger', { guid: `abort-${phase}` })),
          {
            signal: controller.signal,
            onProgress: (event) => {
              if (event.type === 'phase' && event.phase === phase) controller.abort();
            },
          },
        ),
      );
      expect(error?.name).to.equal('AbortError');
      expect(filesUnder(env.dataDir)).to.deep.equal([]);
      expect(existsSync(join(env.dataDir, '.exportkit-work'))).to.equal(false);
      const [run] = (await env.db.knex('exportkit.export_runs').where({ export_guid: `abort-${phase}` })) as Array<{
        status: string;
      }>;
      expect(run!.status).to.equal('failed');
    });
  }

  // A step waiting on the signal (timers, streams) rejects with a bare AbortError; the reason must win.
  for (const [where, steps, phase] of [
    ['when the query starts', '', 'query'],
    ['while a step waits on the signal', '    postProcess:\n      - pauseStep: { ms: 10000 }', 'consolidate'],
  ] as const) {
    it(`aborted with a reason of its own ${where}: that reason is thrown and recorded, not a bare AbortError`, async () => {
      const controller = new AbortController();
      const guid = `abort-reason-${phase}`;
      const error = await failureOf(
        engineFor(env.db.knex, env.dataDir).run(yaml(demoTemplate(steps, { guid })), {
          signal: controller.signal,
          onProgress: (event) => {
            if (event.type === 'phase' && event.phase === phase)
              setTimeout(() => controller.abort(new Error('run 7: time limit')), phase === 'query' ? 0 : 200);
          },
        }),
      );
      expect(error?.message).to.equal('run 7: time limit');
      const [run] = (await env.db.knex('exportkit.export_runs').where({ export_guid: guid })) as Array<{
        status: string;
        error: string;
      }>;
      expect(run).to.include({ status: 'failed', error: 'run 7: time limit' });
    });
  }
});
