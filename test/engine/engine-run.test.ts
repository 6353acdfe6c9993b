import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import {
  acquireExportLock,
  ConcurrentRunError,
  parseTemplate,
  TemplateError,
  type ExportConfig,
} from '@exportkit/core';
import { createEngine } from 'exportkit';
import { connect } from '@exportkit/db';
import { demoPlugin } from '../support/test-provider.js';
import { describeOnDemoDatabases } from '../support/demo-suite.js';

const template = (columns: string, extra = '') => `
exports:
  - guid: demo-export
    name: demo
    provider: demo
    columns: ${columns}
    parameters:
      timeZone: Europe/Paris
      dateTimeFormat: DD/MM/YYYY hh:ii
${extra}`;

function unzip(path: string, file: string): string {
  return execFileSync('unzip', ['-p', path, file], { encoding: 'utf8' });
}

describeOnDemoDatabases('engine run', (kind, env) => {
  const engine = () =>
    createEngine({
      knex: env.db.knex,
      plugins: [demoPlugin],
      dataDir: env.dataDir,
      now: new Date('2021-03-01T08:00:00Z'),
    });
  const config = (text: string): ExportConfig => parseTemplate(text, 'demo.yaml', 'yaml');

  it('writes a zip that unzip -t accepts, with the CSV and a manifest', async () => {
    const result = await engine().run(
      config(template('[itemId, { label: { label: Label } }, itemAt, itemScore, ownerName]')),
    );
    expect(result.exports).to.have.length(1);
    const [exp] = result.exports;
    expect(exp!.rows).to.equal(5);
    expect(exp!.files).to.have.length(1);
    const zip = exp!.files[0]!;
    expect(zip).to.equal(join(env.dataDir, 'exports', 'demo_20210301-090000.zip'));
    execFileSync('unzip', ['-tq', zip]);
    const rows = parse(unzip(zip, 'demo.csv'), { delimiter: ';' }) as string[][];
    expect(rows[0]).to.deep.equal(['itemId', 'Label', 'itemAt', 'itemScore', 'ownerName']);
    expect(rows[1]).to.deep.equal(['1', 'item 1', '25/02/2021 01:30', '1.25', 'Grace']);
    expect(rows[4]).to.deep.equal(['4', 'item 4', '25/02/2021 04:30', '5', 'Ada']);
    expect(rows).to.have.length(6);
    const manifest = JSON.parse(unzip(zip, 'manifest.json'));
    expect(manifest.export).to.deep.equal({ guid: 'demo-export', name: 'demo' });
    expect(manifest.provider).to.equal('demo');
    expect(manifest.rows).to.equal(5);
    expect(manifest.now).to.equal('2021-03-01T08:00:00.000Z');
    expect(manifest.columns[1]).to.deep.equal({ name: 'itemLabel', header: 'Label', type: 'string' });
    expect(manifest.parameters.timeZone).to.equal('Europe/Paris');
    const csv = unzip(zip, 'demo.csv');
    expect(manifest.files[0].name).to.equal('demo.csv');
    expect(manifest.files[0].bytes).to.equal(Buffer.byteLength(csv));
    expect(manifest.files[0].sha256).to.match(/^[0-9a-f]{64}$/);
    expect(manifest.timings).to.have.property('query+write');
    expect(manifest.timings).to.have.property('parse');
    expect(readdirSync(env.dataDir).sort()).to.deep.equal(['exports']);
  });

  it('feeds several actions from one pass over one query: CSV, XLSX with typed cells, JSON', async () => {
    const statements: string[] = [];
    const listen = (q: { sql: string }) => statements.push(q.sql.trim().split(/\s+/)[0]!.toUpperCase());
    env.db.knex.on('query', listen);
    let result;
    try {
      result = await engine().run(
        config(
          template('[itemId, itemAt, itemDay, itemScore]').replace(
            'dateTimeFormat: DD/MM/YYYY hh:ii',
            'dateTimeFormat: DD/MM/YYYY hh:ii\n      dateFormat: DD.MM.YYYY',
          ) +
            '    actions:\n      - fileExportAction: { format: CSV }\n      - fileExportAction: { format: XLSX }\n      - fileExportAction: { format: JSON }\n',
        ),
      );
    } finally {
      env.db.knex.off('query', listen);
    }
    expect(statements.filter((s) => s === 'DECLARE')).to.have.length(1);
    expect(statements.filter((s) => s === 'FETCH')).to.have.length(1);
    const zip = result.exports[0]!.files[0]!;
    expect(execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).trim().split('\n').sort()).to.deep.equal([
      'demo.csv',
      'demo.json',
      'demo.xlsx',
      'manifest.json',
    ]);
    const json = JSON.parse(unzip(zip, 'demo.json'));
    expect(json[0]).to.deep.equal({ itemId: 1, itemAt: '25/02/2021 01:30', itemDay: '25.02.2021', itemScore: 1.25 });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(execFileSync('unzip', ['-p', zip, 'demo.xlsx']) as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getRow(1).font?.bold).to.equal(true);
    expect(sheet.getCell('A2').value).to.equal(1);
    expect(sheet.getCell('B2').value).to.be.instanceOf(Date);
    expect((sheet.getCell('B2').value as Date).toISOString()).to.equal('2021-02-25T01:30:00.000Z'); // wall clock in Paris
    expect(sheet.getCell('B2').numFmt).to.equal('dd/mm/yyyy hh:mm');
    expect(sheet.getCell('C2').numFmt).to.equal('dd"."mm"."yyyy'); // literals quoted, shown as 25.02.2021
    expect(sheet.getCell('D2').value).to.equal(1.25);
  });

  it("announces the planner's estimate of the rows before streaming them (a total for the progress display)", async () => {
    const events: Array<{ type: string; rows?: number }> = [];
    await engine().run(config(template('[itemId]')), {
      onProgress: (event) => void events.push(event as { type: string; rows?: number }),
    });
    const estimate = events.find((e) => e.type === 'estimate');
    expect(estimate?.rows).to.be.a('number').and.to.be.at.least(1);
    expect(events.findIndex((e) => e.type === 'estimate')).to.be.below(events.findIndex((e) => e.type === 'rows'));
  });

  it('a preview (limit): the first rows only, named <name>-preview, no delta mark moved', async () => {
    const result = await engine().run(
      config(
        template('[itemId]', '').replace('timeZone: Europe/Paris', 'timeZone: Europe/Paris\n      exclusive: yes'),
      ),
      { limit: 2 },
    );
    const [exp] = result.exports;
    expect(exp!.rows).to.equal(2);
    expect(exp!.files).to.deep.equal([join(env.dataDir, 'exports', 'demo-preview_20210301-090000.zip')]);
    expect(unzip(exp!.files[0]!, 'demo-preview.csv').trim().split(/\r?\n/)).to.have.length(3);
    const [run] = await env.db
      .knex('exportkit.export_runs')
      .where({ export_guid: 'demo-export' })
      .orderBy('id', 'desc');
    expect(run.status).to.equal('succeeded');
    expect(run.delta_mark).to.equal(null);
  });

  it('records the run in export_runs', async () => {
    await engine().run(config(template('[itemId]')));
    const runs = await env.db.knex('exportkit.export_runs').where({ export_guid: 'demo-export' }).orderBy('id', 'desc');
    expect(runs[0].status).to.equal('succeeded');
    expect(Number(runs[0].rows)).to.equal(5);
    expect(runs[0].finished_at).to.be.instanceOf(Date);
    expect(runs[0].error).to.equal(null);
  });

  it('sends a fixed number of statements whatever the row count', async () => {
    const count = async () => {
      let n = 0;
      const listen = () => (n += 1);
      env.db.knex.on('query', listen);
      try {
        await engine().run(config(template('[itemId, ownerName]')));
      } finally {
        env.db.knex.off('query', listen);
      }
      return n;
    };
    const before = await count();
    await env.db.knex.raw(
      'INSERT INTO demo_items SELECT g, NULL, NULL, NULL, NULL, 1 FROM generate_series(100, 1099) g',
    );
    try {
      expect(await count()).to.equal(before);
    } finally {
      await env.db.knex.raw('DELETE FROM demo_items WHERE id >= 100');
    }
  });

  it('keeps no file and records the failure when the database fails mid-stream (cursor path)', async () => {
    await env.db.knex.raw(`INSERT INTO demo_items VALUES (6, 'boom', NULL, NULL, 0, 1)`);
    try {
      const failing = createEngine({
        knex: env.db.knex,
        plugins: [demoPlugin],
        dataDir: env.dataDir,
        batchSize: 2,
        copyPath: 'off',
      });
      // itemRatio is 1 / score: division by zero on row 6, after two batches were written.
      const text = template('[itemId, itemRatio]').replace('guid: demo-export', 'guid: demo-fail');
      const error = await failing.run(config(text)).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(String((error as Error)?.message)).to.match(/division by zero/);
      const leftovers = readdirSync(env.dataDir, { recursive: true }).map(String);
      expect(leftovers.filter((f) => f.endsWith('.zip') || f.endsWith('.csv') || f.includes('.tmp-'))).to.deep.equal(
        [],
      );
      const [run] = await env.db
        .knex('exportkit.export_runs')
        .where({ export_guid: 'demo-fail' })
        .orderBy('id', 'desc');
      expect(run.status).to.equal('failed');
      expect(run.error).to.match(/division by zero/);
      expect(Number(run.rows)).to.equal(4);
    } finally {
      await env.db.knex.raw('DELETE FROM demo_items WHERE id = 6');
    }
  });

  it('refuses a run of an exclusive export at once while another run of it holds the lock', async () => {
    // PostgreSQL: the lock is held through another pool, as by a run in another process (advisory lock).
    const other = kind === 'postgres' ? await connect(env.db.url) : undefined;
    try {
      const text = template('[itemId]', '').replace(
        'timeZone: Europe/Paris',
        'timeZone: Europe/Paris\n      exclusive: yes',
      );
      const lock = await acquireExportLock(other?.knex ?? env.db.knex, 'demo-export');
      const error = await engine()
        .run(config(text))
        .then(
          () => 'ran',
          (e: unknown) => e,
        );
      expect(error).to.be.instanceOf(ConcurrentRunError);
      expect((error as Error).message).to.match(/export demo-export is already running/);
      expect(readdirSync(env.dataDir)).to.deep.equal([]);
      const [refused] = await env.db
        .knex('exportkit.export_runs')
        .where({ export_guid: 'demo-export' })
        .orderBy('id', 'desc');
      expect(refused.status).to.equal('failed');
      await lock.release();
      expect((await engine().run(config(text))).exports[0]!.rows).to.equal(5);
      // Without the exclusive option, no lock is taken.
      const held = await acquireExportLock(other?.knex ?? env.db.knex, 'demo-export');
      try {
        expect((await engine().run(config(template('[itemId]')))).exports[0]!.rows).to.equal(5);
      } finally {
        await held.release();
      }
    } finally {
      await other?.close();
    }
  });

  it('refuses a bad template before any query, with every problem', async () => {
    const bad = config(template('[itemId, itemLable, ownerNam]', ''));
    const error = await engine()
      .run(bad)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).to.be.instanceOf(TemplateError);
    const issues = (error as TemplateError).issues;
    expect(issues.map((i) => i.suggestion)).to.deep.equal(['itemLabel', 'ownerName']);
    expect((error as TemplateError).exitCode).to.equal(2);
    expect(existsSync(join(env.dataDir, 'exports'))).to.equal(false);
  });

  if (kind === 'postgres') {
    it('uses a database of its own', () => expect(env.db.url).to.match(/^postgres(ql)?:\/\//));
  }
});
