import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { parseTemplate } from '@exportkit/core';
import { createEngine } from 'exportkit';
import { demoPlugin } from '../support/test-provider.js';
import { describeOnDemoDatabases } from '../support/demo-suite.js';

/*
 * File names are dated with ICU (Intl) and cells by PostgreSQL's tz database: with the region
 * names that validation accepts, both read the same rules. The run's `now` is item 1's instant
 * (2021-02-25T00:30:00Z), so its file name and its first date-time cell must show the same
 * local time.
 */
describeOnDemoDatabases('time zones: file names and cells from the same offset', (_kind, env) => {
  const cases = [
    { zone: 'Asia/Kolkata', local: '20210225-060000' }, // +05:30, which IST means to ICU
    { zone: 'Asia/Jerusalem', local: '20210225-023000' }, // +02:00, which IST means to PostgreSQL
    { zone: 'America/St_Johns', local: '20210224-210000' }, // -03:30
  ];
  for (const { zone, local } of cases) {
    it(`${zone}: the file is named and the cell written at ${local}`, async () => {
      const template = [
        'provider: demo',
        'name: demo',
        'columns: [itemId, itemAt]',
        'parameters:',
        `  timeZone: ${zone}`,
        '  dateTimeFormat: YYYYMMDD-hhiiss',
        'actions:',
        '  - fileExportAction: { format: CSV, fileName: "%n-%y%m%d-%H%M%S.csv" }',
        '',
      ].join('\n');
      const engine = createEngine({
        knex: env.db.knex,
        plugins: [demoPlugin],
        dataDir: env.dataDir,
        now: new Date('2021-02-25T00:30:00Z'),
      });
      const result = await engine.run(parseTemplate(template, 'zones.yaml', 'yaml'));
      const zip = result.exports[0]!.files[0]!;
      const entries = execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).trim().split('\n');
      expect(entries).to.include(`demo-${local}.csv`);
      const csv = execFileSync('unzip', ['-p', zip, `demo-${local}.csv`], { encoding: 'utf8' });
      expect(csv.split(/\r?\n/)[1]).to.equal(`1;${local}`);
    });
  }
});
