import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseTemplate, stepsMarkdown } from '@exportkit/core';
import { createEngine } from 'exportkit';
import { forEachDatabase } from '../support/databases.js';

/*
 * A relation, a column, a filter parameter, a writer and a consolidator from a plugin outside
 * the engine (test/fixtures/acme-kit) work in describe, validate and run exactly as built-ins do.
 */

const ACME_KIT = resolve('test/fixtures/acme-kit');

const TEMPLATE = `
exports:
  - name: acme
    provider: consolidatedTracking
    columns: [candidateLogin, registrationGuid, acmeTrackingCount]
    parameters:
      acmeLoginPrefix: bd
    actions:
      - fileExportAction:
          format: acme-pipes
          pipesSeparator: bang
    consolidators:
      - acmeStamp:
          label: checked
`;

const template = (text: string) => parseTemplate(text, 'acme.yaml', 'yaml');

describe('plugin contributions: describe and validate', () => {
  const engine = createEngine({ plugins: [ACME_KIT] });

  it("describes the plugin's writer, step, column, relation and parameter with the built-ins", async () => {
    const description = await engine.describe();
    expect(description.formats.find((f) => f.format === 'PIPES')).to.deep.equal({
      format: 'PIPES',
      aliases: ['ACME-PIPES'],
      extension: 'pipes.txt',
      description: 'Cells joined by " | " (or "!"), one row per line, header first (a test format).',
      options: ['pipesSeparator'],
    });
    expect(description.steps.find((s) => s.name === 'acmeStamp')).to.include({ phase: 'consolidator' });
    expect(description.steps.find((s) => s.name === 'acmeStamp')?.options).to.deep.equal(['label']);
    // The writer's own option is an option of the file action, as a built-in writer's is.
    expect(description.steps.find((s) => s.name === 'fileExportAction')?.options).to.include('pipesSeparator');
    const tracking = description.providers.find((p) => p.name === 'consolidatedTracking')!;
    expect(tracking.columns.find((c) => c.name === 'acmeTrackingCount')).to.include({ type: 'int' });
    expect(tracking.columns.find((c) => c.name === 'acmeTrackingCount')?.relations).to.deep.equal(['acmeTrackings']);
    expect(tracking.parameters.find((p) => p.name === 'acmeLoginPrefix')).to.include({ kind: 'filter' });
    // The generated catalogue of formats and steps (exportkit docs --plugin) has them too.
    const markdown = stepsMarkdown(description);
    expect(markdown).to.contain('| `PIPES` (`ACME-PIPES`) | `.pipes.txt` | `pipesSeparator` |');
    expect(markdown).to.contain('| `pipesSeparator` | one of pipe, bang | `pipe` |');
    expect(markdown).to.match(/### cleanFolder\n[\s\S]*### acmeStamp\n/);
  });

  it("accepts the plugin's format by alias in any case, and checks its options as data", async () => {
    expect(await engine.validate(template(TEMPLATE))).to.deep.equal([]);
    const issues = await engine.validate(
      template(
        TEMPLATE.replace('pipesSeparator: bang', 'pipesSeparator: colon').replace(
          'format: acme-pipes',
          'format: Pipes',
        ),
      ),
    );
    expect(issues.map((i) => `${i.element}: ${i.message}`)).to.deep.equal([
      'fileExportAction.pipesSeparator: "colon" is not allowed; allowed: pipe, bang',
    ]);
  });

  it('refuses an unknown format, listing the registered ones and suggesting the closest', async () => {
    const issues = await engine.validate(template(TEMPLATE.replace('format: acme-pipes', 'format: PIPEZ')));
    expect(issues).to.have.length(1);
    expect(issues[0]!.element).to.equal('fileExportAction.format');
    expect(issues[0]!.message).to.match(/allowed: CSV, TSV, XML, XLSX, JSON, NDJSON, PIPES/);
    expect(issues[0]!.suggestion).to.equal('PIPES');
  });

  it("refuses a bad value of the plugin's parameter and of its step's option", async () => {
    const issues = await engine.validate(
      template(
        TEMPLATE.replace('acmeLoginPrefix: bd', `acmeLoginPrefix: ${'x'.repeat(65)}`).replace(
          'label: checked',
          'labl: checked',
        ),
      ),
    );
    expect(issues.map((i) => i.element)).to.deep.equal(['acmeLoginPrefix', 'acmeStamp.labl']);
    expect(issues[1]!.suggestion).to.equal('label');
  });
});

forEachDatabase('plugin contributions: a run', (db) => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'exportkit-plugin-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it("writes the plugin's format with its filter, its aggregate column and its consolidator's file", async () => {
    const engine = createEngine({
      knex: db().knex,
      dataDir,
      plugins: [ACME_KIT],
      now: new Date('2021-05-28T12:00:00Z'),
    });
    const result = await engine.run(template(TEMPLATE));
    const zip = result.exports[0]!.files.find((f) => f.endsWith('.zip'))!;
    expect(execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).trim().split('\n').sort()).to.deep.equal([
      'acme.pipes.txt',
      'acme.stamp',
      'manifest.json',
    ]);

    // What the file must hold, computed here from the tables directly.
    const expected = (await db().knex.raw(`
      SELECT l.login, r.guid::text AS guid, count(t.id)::int AS trackings
      FROM registrations r JOIN learners l ON l.id = r.learner_id LEFT JOIN trackings t ON t.registration_id = r.id
      WHERE l.login LIKE 'bd%' GROUP BY r.id, l.login, r.guid ORDER BY r.id`)) as {
      rows: Array<{ login: string; guid: string; trackings: number }>;
    };
    expect(expected.rows.length).to.be.greaterThan(1);
    expect(expected.rows.some((r) => r.trackings > 0)).to.equal(true);
    const lines = execFileSync('unzip', ['-p', zip, 'acme.pipes.txt'], { encoding: 'utf8' });
    expect(lines).to.equal(
      [
        'candidateLogin!registrationGuid!acmeTrackingCount',
        ...expected.rows.map((r) => `${r.login}!${r.guid}!${r.trackings}`),
      ].join('\n') + '\n',
    );
    expect(execFileSync('unzip', ['-p', zip, 'acme.stamp'], { encoding: 'utf8' })).to.equal(
      `checked rows=${expected.rows.length}\n`,
    );
    const manifest = JSON.parse(execFileSync('unzip', ['-p', zip, 'manifest.json'], { encoding: 'utf8' }));
    expect(manifest.files.map((f: { name: string; format: string }) => [f.name, f.format])).to.deep.equal([
      ['acme.pipes.txt', 'PIPES'],
      ['acme.stamp', 'stamp'],
    ]);
    await engine.close();
  });
});
