import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeOnDemoDatabases } from '../support/demo-suite.js';
import { demoTemplate, engineFor, yaml } from './support/steps.js';

/*
 * Reruns with the same --now give the same bytes, XLSX included: the workbook's created and
 * modified dates and its zip entries' dates come from `now`, not from the time of writing.
 */
describeOnDemoDatabases('pipeline: XLSX reruns with the same now', (_kind, env) => {
  it('two runs, seconds apart, write byte-identical workbooks', async function () {
    this.timeout(30_000);
    const template = yaml(
      demoTemplate(
        '    actions:\n      - fileExportAction: { format: XLSX }\n    consolidators:\n      - moveToFolder: { folderPath: outbox, fileName: "%n_%i" }',
        {
          columns: '[itemId, itemLabel, itemAt, itemDay]',
        },
      ),
    );
    await engineFor(env.db.knex, env.dataDir).run(template);
    // Past the 2-second resolution of zip entry times, so that a date taken from the clock would differ.
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    await engineFor(env.db.knex, env.dataDir).run(template);
    const first = readFileSync(join(env.dataDir, 'outbox', 'demo_1.xlsx'));
    const second = readFileSync(join(env.dataDir, 'outbox', 'demo_2.xlsx'));
    expect(first.length).to.be.above(1000);
    expect(second.equals(first)).to.equal(true);
  });
});
