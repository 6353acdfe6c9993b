import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { InvalidEngineOptionError, parseTemplate, type TemplateIssue } from '@exportkit/core';
import { createEngine } from 'exportkit';
import { demoPlugin } from '../support/test-provider.js';

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures');

async function problems(yaml: string): Promise<TemplateIssue[]> {
  const engine = createEngine({ plugins: [demoPlugin] });
  return engine.validate(parseTemplate(yaml, 'checked.yaml', 'yaml'));
}

const lines = (...rows: string[]) => rows.join('\n') + '\n';

describe('validation against the registry', () => {
  it('accepts a correct template', async () => {
    expect(await problems(lines('provider: demo', 'columns: [itemId, label]'))).to.deep.equal([]);
  });

  it('unknown provider: line and closest name', async () => {
    const [issue] = await problems(lines('provider: dmeo', 'columns: [itemId]'));
    expect(issue).to.deep.include({ file: 'checked.yaml', line: 1, element: 'dmeo', suggestion: 'demo' });
    expect(issue!.message).to.match(/unknown provider; known: .*demo/);
  });

  it('unknown columns and parameters, each with its line and suggestion, all at once', async () => {
    const issues = await problems(
      lines(
        'provider: demo',
        'columns:',
        '  - itemId',
        '  - itemLable',
        '  - bossNmae',
        'parameters:',
        '  timeZne: UTC',
        '  owners: [a]',
      ),
    );
    expect(issues.map((i) => [i.line, i.element, i.suggestion])).to.deep.equal([
      [4, 'itemLable', 'itemLabel'],
      [5, 'bossNmae', 'bossName'],
      [7, 'timeZne', 'timeZone'],
    ]);
    expect(issues[0]!.message).to.equal('unknown column of demo');
  });

  it('no suggestion when nothing is close', async () => {
    const [issue] = await problems(lines('provider: demo', 'columns: [somethingElseEntirely]'));
    expect(issue!.suggestion).to.equal(undefined);
  });

  it('bad parameter values name the parameter and what is allowed', async () => {
    const issues = await problems(
      lines('provider: demo', 'columns: [itemId]', 'parameters:', '  timeZone: Mars/Olympus'),
    );
    expect(issues).to.have.length(1);
    expect(issues[0]).to.deep.include({ line: 4, element: 'timeZone' });
    expect(issues[0]!.message).to.match(/not an accepted time zone; allowed: an IANA region name/);
  });

  it('a parameter given twice (name and alias)', async () => {
    const issues = await problems(
      lines('provider: demo', 'columns: [itemId]', 'parameters:', '  owners: [a]', '  ownerNames: [b]'),
    );
    expect(issues.map((i) => [i.line, i.message])).to.deep.equal([[5, 'parameter ownerNames is given twice']]);
  });

  it('column text: required and refused; unknown attributes', async () => {
    const issues = await problems(
      lines('provider: demo', 'columns:', '  - tagValue', '  - itemId: { value: "7" }', '  - itemLabel: { lable: X }'),
    );
    expect(issues.map((i) => [i.line, i.message])).to.deep.equal([
      [3, 'tagValue needs a value as its text'],
      [4, 'itemId takes no text value'],
      [5, 'unknown attribute "lable"; allowed: label'],
    ]);
    expect(issues[2]!.suggestion).to.equal('label');
  });

  it('actions: unknown step, unknown option, bad option value', async () => {
    const issues = await problems(
      lines(
        'provider: demo',
        'columns: [itemId]',
        'actions:',
        '  - fileExprtAction: {}',
        '  - fileExportAction:',
        '      formt: CSV',
        '  - fileExportAction:',
        '      format: PDF',
      ),
    );
    expect(issues.map((i) => [i.line, i.element, i.suggestion])).to.deep.equal([
      [4, 'fileExprtAction', 'fileExportAction'],
      [6, 'fileExportAction.formt', 'format'],
      [8, 'fileExportAction.format', undefined],
    ]);
    expect(issues[2]!.message).to.match(/"PDF" is not allowed; allowed: CSV, TSV, XML, XLSX, JSON, NDJSON/);
  });

  it('loads the plugins a template lists, relative to the template', async () => {
    const engine = createEngine();
    const yaml = lines(
      'plugins: [./acme-plugin]',
      'provider: consolidatedTracking',
      'columns: [candidateId, acmeLogin]',
    );
    expect(await engine.validate(parseTemplate(yaml, join(fixtures, 'with-plugin.yaml'), 'yaml'))).to.deep.equal([]);
    const without = await engine.validate(
      parseTemplate(lines('provider: consolidatedTracking', 'columns: [acmeLogin]'), join(fixtures, 'x.yaml'), 'yaml'),
    );
    expect(without.map((i) => i.element)).to.deep.equal(['acmeLogin']);
  });

  describe('without a database', () => {
    // createEngine() without knex or databaseUrl: validate opens no database at all.
    const tracking = async (yaml: string) => createEngine().validate(parseTemplate(yaml, 'static.yaml', 'yaml'));

    it('runs every column check: template indexes and ids, custom field GUID form', async () => {
      const issues = await tracking(
        lines(
          'provider: consolidatedTracking',
          'columns:',
          '  - {name: templatedValue, templateId: "1"}',
          '  - {name: templatedValue, templateId: "9"}',
          '  - candidateCustomFieldGuid: not-a-guid',
          '  - candidateCustomFieldGuid: 8345C0A3-B8AB-7F65-0638-39B0E1244AA9',
          'parameters:',
          '  templates: {"1": "{3} {4}"}',
        ),
      );
      expect(issues.map((i) => [i.line, i.message])).to.deep.equal([
        [3, 'template 1 refers to {4}, but the export has 4 column(s); allowed: {0} to {3}'],
        [4, 'templatedValue names template 9, which the templates parameter does not define; known ids: 1'],
        [5, 'candidateCustomFieldGuid: "not-a-guid" is not a GUID; allowed: 8-4-4-4-12 hexadecimal digits'],
      ]);
    });

    it('holds export names, labels and the column count to their bounds', async () => {
      const many = Array.from({ length: 1001 }, () => '  - candidateId');
      const issues = await tracking(lines('name: weekly..v2', 'provider: consolidatedTracking', 'columns:', ...many));
      expect(issues.map((i) => [i.line, i.message.replace(/; allowed.*/, '')])).to.deep.equal([
        [1, 'export name "weekly..v2" is not allowed'],
        [1004, '1001 columns'],
      ]);
      const label = await tracking(
        lines('provider: consolidatedTracking', 'columns:', `  - candidateId: {label: ${'x'.repeat(1001)}}`),
      );
      expect(label.map((i) => [i.line, i.message])).to.deep.equal([
        [3, 'label is longer than 1,000 characters, the most allowed'],
      ]);
    });
  });

  it('a run refuses an engine now that is an Invalid Date or outside 0001–9999, before opening the database', async () => {
    const refusal = async (now: Date) => {
      const engine = createEngine({ plugins: [demoPlugin], now, databaseUrl: 'postgres://nobody@127.0.0.1:1/none' });
      return engine.run(parseTemplate(lines('provider: demo', 'columns: [itemId]'), 'now.yaml', 'yaml')).then(
        () => undefined,
        (error: unknown) => error as InvalidEngineOptionError,
      );
    };
    const invalid = await refusal(new Date('yesterday'));
    expect(invalid).to.be.instanceOf(InvalidEngineOptionError);
    expect(invalid!.exitCode).to.equal(2);
    expect(invalid!.message).to.equal('option now: is not a valid date (an Invalid Date)');
    expect((await refusal(new Date(Date.UTC(10000, 0, 1))))!.message).to.equal(
      'option now: +010000-01-01T00:00:00.000Z lies outside the years 0001–9999',
    );
  });
});
