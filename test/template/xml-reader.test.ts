import { expect } from 'chai';
import { readXmlTemplate, type ExportConfig } from '@exportkit/core';
import { fixture, issuesOf } from './helpers.js';

const wrap = (body: string) =>
  `<providers>\n  <consolidatedTrackingProvider>\n${body}\n  </consolidatedTrackingProvider>\n</providers>\n`;

describe('template: XML reader', () => {
  describe("the user's example (<providers> root)", () => {
    let config: ExportConfig;
    before(() => {
      config = readXmlTemplate(fixture('user-example.xml'), 'user-example.xml');
    });

    it('is one export with the defaults', () => {
      expect(config.file).to.equal('user-example.xml');
      expect(config.format).to.equal('xml');
      expect(config.exports).to.have.length(1);
      const [definition] = config.exports;
      expect(definition).to.not.have.property('guid');
      expect(definition!.name).to.equal(undefined);
      expect(definition!.line).to.equal(1);
      expect(definition!.plugins).to.deep.equal([]);
      expect(definition!.actions).to.deep.equal([]);
      expect(definition!.consolidators).to.deep.equal([]);
      expect(definition!.postProcess).to.deep.equal([]);
      expect(definition!.provider.name).to.equal('consolidatedTrackingProvider');
      expect(definition!.provider.line).to.equal(2);
    });

    it('reads every column with its exact line', () => {
      const columns = config.exports[0]!.provider.columns;
      expect(columns).to.have.length(45);
      expect(columns[0]).to.deep.equal({ line: 4, name: 'candidateId', attributes: {} });
      expect(columns[9]).to.deep.equal({
        line: 13,
        name: 'candidateCustomFieldGuid',
        label: 'Department',
        value: '8345C0A3-B8AB-7F65-0638-39B0E1244AA8',
        attributes: {},
      });
      expect(columns[14]).to.deep.equal({ line: 18, name: 'registrationDate', attributes: {} });
      expect(columns[44]).to.deep.equal({ line: 48, name: 'timeSpent', attributes: {} });
      columns.forEach((column, index) => expect(column.line, column.name).to.equal(index + 4));
    });

    it('reads the parameters as scalars with their exact lines', () => {
      expect(config.exports[0]!.provider.parameters).to.deep.equal([
        { line: 51, name: 'dateTimeFormat', value: { kind: 'scalar', text: 'YYYY-MM-DD hh:ii:ss' } },
        { line: 52, name: 'timeFrames', value: { kind: 'scalar', text: '3' } },
        { line: 53, name: 'timeFramesScale', value: { kind: 'scalar', text: 'less_than_n_days' } },
        { line: 54, name: 'timeFrameScaleMode', value: { kind: 'scalar', text: 'lastActivity,timeSpent' } },
      ]);
    });

    it('ignores comments, the XML declaration and a BOM (the example is wrapped in <!-- --> in the seed)', () => {
      const text =
        '\uFEFF<?xml version="1.0"?>\n<!--\n### Example\n-->\n' +
        fixture('user-example.xml').replace('<columns>', '<columns><!-- a comment -->');
      const shifted = readXmlTemplate(text, 'x.xml');
      expect(shifted.exports[0]!.provider.columns).to.have.length(45);
      expect(shifted.exports[0]!.provider.columns[0]!.line).to.equal(8);
    });
  });

  describe('the full form', () => {
    let config: ExportConfig;
    before(() => {
      config = readXmlTemplate(fixture('full-form.xml'), 'full-form.xml');
    });

    it('reads several exports with guid, name and plugins', () => {
      expect(config.exports.map((e) => [e.guid, e.name, e.line])).to.deep.equal([
        ['weekly-tracking', 'weekly', 4],
        [undefined, 'second', 66],
      ]);
      expect(config.exports[0]!.plugins).to.deep.equal([
        { line: 6, specifier: '@acme/exportkit-hr-columns' },
        { line: 7, specifier: './local-plugin.js' },
      ]);
      expect(config.exports[1]!.provider.columns).to.deep.equal([{ line: 70, name: 'sessionId', attributes: {} }]);
      expect(config.exports[1]!.provider.parameters).to.deep.equal([]);
    });

    it('reads labels, values, other attributes and decodes the predefined entities', () => {
      const columns = config.exports[0]!.provider.columns;
      expect(columns[1]).to.deep.equal({ line: 13, name: 'candidateName', label: 'Last name', attributes: {} });
      expect(columns[3]).to.deep.equal({
        line: 15,
        name: 'templatedValue',
        label: 'Who',
        attributes: { templateId: '1' },
      });
      expect(columns[4]).to.deep.equal({ line: 16, name: 'constantValue', value: 'R&D <team>', attributes: {} });
    });

    it('reads maps (children keep their lines), entries and CDATA', () => {
      const parameters = config.exports[0]!.provider.parameters;
      const byName = Object.fromEntries(parameters.map((p) => [p.name, p]));
      expect(byName['statusFormat']).to.deep.equal({
        line: 22,
        name: 'statusFormat',
        value: {
          kind: 'map',
          children: {
            completed: { kind: 'scalar', text: 'Done', line: 23 },
            notAttempted: { kind: 'scalar', text: '-', line: 24 },
          },
        },
      });
      expect(byName['sessionReportStatus']!.value).to.deep.equal({
        kind: 'map',
        children: {
          completed: { kind: 'scalar', text: '', line: 27 },
          incomplete: { kind: 'scalar', text: '', line: 28 },
        },
      });
      expect(byName['templates']).to.deep.equal({
        line: 30,
        name: 'templates',
        value: {
          kind: 'entries',
          entries: [
            { line: 31, name: 'template', attributes: { id: '1' }, text: '{0} - {1}' },
            { line: 32, name: 'template', attributes: { id: '2' }, text: '<b>{0}</b>' },
          ],
        },
      });
      expect(byName['deltaMode']!.value).to.deep.equal({ kind: 'scalar', text: '' });
      expect(parameters.map((p) => p.line)).to.deep.equal([20, 21, 22, 26, 30, 34, 35]);
    });

    it('reads actions with options from attributes and child elements', () => {
      expect(config.exports[0]!.actions).to.deep.equal([
        {
          line: 40,
          type: 'fileExportAction',
          options: {
            format: { kind: 'scalar', text: 'CSV', line: 40 },
            delimiter: { kind: 'scalar', text: 'comma', line: 40 },
            fileName: { kind: 'scalar', text: 'weekly_%y%m%d', line: 41 },
            showHeaders: { kind: 'scalar', text: 'no', line: 42 },
          },
        },
        { line: 44, type: 'fileExportAction', options: { format: { kind: 'scalar', text: 'XLSX', line: 45 } } },
      ]);
    });

    it('reads consolidators and post-process steps, nested options included', () => {
      const [definition] = config.exports;
      expect(definition!.consolidators).to.deep.equal([
        { line: 49, type: 'timeLogger', options: {} },
        {
          line: 50,
          type: 'archive',
          options: {
            folderPath: { kind: 'scalar', text: 'exports/archive', line: 50 },
            prefix: { kind: 'scalar', text: 'weekly', line: 50 },
          },
        },
      ]);
      expect(definition!.postProcess.map((s) => [s.type, s.line])).to.deep.equal([
        ['packager', 53],
        ['callBackUrl', 57],
      ]);
      const callBack = definition!.postProcess[1]!.options;
      expect(callBack['joinFileList']).to.deep.equal({
        kind: 'map',
        line: 58,
        children: {
          folderPath: { kind: 'scalar', text: 'exports', line: 58 },
          fieldName: { kind: 'scalar', text: 'files', line: 58 },
        },
      });
      expect(callBack['fields']).to.deep.equal({
        kind: 'entries',
        line: 59,
        entries: [
          { line: 60, name: 'field', attributes: { name: 'source', value: 'exportkit' }, text: '' },
          { line: 61, name: 'field', attributes: { name: 'kind', value: 'weekly' }, text: '' },
        ],
      });
    });
  });

  it('gives a multi-line start tag the line of its `<`', () => {
    const config = readXmlTemplate(wrap('<columns>\n<candidateId\n  label="Id"\n/>\n</columns>'), 't.xml');
    expect(config.exports[0]!.provider.columns[0]).to.deep.equal({
      line: 4,
      name: 'candidateId',
      label: 'Id',
      attributes: {},
    });
  });

  it('accepts character references and an export-config with namespace attributes', () => {
    const config = readXmlTemplate(
      '<export-config xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><export><providers><p><columns><constantValue>&#65;&#x42;&quot;&apos;</constantValue></columns></p></providers></export></export-config>',
      't.xml',
    );
    expect(config.exports[0]!.provider.columns[0]!.value).to.equal('AB"\'');
  });

  describe('errors', () => {
    it('malformed XML: names the line', () => {
      const issues = issuesOf(() => readXmlTemplate(wrap('<columns>\n<candidateId>\n</columns>'), 'bad.xml'));
      expect(issues).to.have.length(1);
      expect(issues[0]!.file).to.equal('bad.xml');
      expect(issues[0]!.line).to.equal(5);
      expect(issues[0]!.message).to.match(/^malformed XML: /);
    });

    it('malformed XML: an empty document', () => {
      const issues = issuesOf(() => readXmlTemplate('  \n', 'empty.xml'));
      expect(issues[0]!.message).to.match(/malformed XML: .*root/);
    });

    it('an undefined entity is malformed (no entity expansion beyond the predefined ones)', () => {
      const issues = issuesOf(() =>
        readXmlTemplate(wrap('<columns>\n<constantValue>&foo;</constantValue>\n</columns>'), 'e.xml'),
      );
      expect(issues[0]!.line).to.equal(4);
      expect(issues[0]!.message).to.match(/undefined entity/);
    });

    it('refuses a DTD with entity declarations, at the line of <!DOCTYPE', () => {
      const text =
        '<?xml version="1.0"?>\n<!DOCTYPE providers [\n  <!ENTITY lol "lol">\n  <!ENTITY lol2 "&lol;&lol;&lol;">\n]>\n' +
        wrap('<columns><constantValue>&lol2;</constantValue></columns>');
      const issues = issuesOf(() => readXmlTemplate(text, 'dtd.xml'));
      expect(issues).to.deep.equal([
        { file: 'dtd.xml', line: 2, element: '!DOCTYPE', message: 'DTDs and entity declarations are not allowed' },
      ]);
    });

    it('refuses an external DTD (no fetch)', () => {
      const text = '<!DOCTYPE providers SYSTEM "http://example.org/evil.dtd">\n' + wrap('<columns/>');
      const issues = issuesOf(() => readXmlTemplate(text, 'dtd.xml'));
      expect(issues[0]!.message).to.equal('DTDs and entity declarations are not allowed');
      expect(issues[0]!.line).to.equal(1);
    });

    it('refuses an entity declaration outside a DTD', () => {
      const issues = issuesOf(() => readXmlTemplate('<providers>\n<!ENTITY x "y">\n</providers>', 'ent.xml'));
      expect(issues).to.deep.equal([
        { file: 'ent.xml', line: 2, element: '!ENTITY', message: 'DTDs and entity declarations are not allowed' },
      ]);
    });

    it('unknown element under the provider: names it, its line and the closest allowed name', () => {
      const issues = issuesOf(() => readXmlTemplate(wrap('<colums>\n<candidateId/>\n</colums>'), 'u.xml'));
      expect(issues).to.have.length(1);
      expect(issues[0]).to.include({ file: 'u.xml', line: 3, element: 'colums', suggestion: 'columns' });
      expect(issues[0]!.message).to.contain('<consolidatedTrackingProvider>');
    });

    it('unknown element under export-config and export, unknown root, unknown attribute', () => {
      const text = [
        '<export-config>',
        '  <exprt/>',
        '  <export nmae="x">',
        '    <provders/>',
        '    <providers><p/></providers>',
        '  </export>',
        '</export-config>',
      ].join('\n');
      const issues = issuesOf(() => readXmlTemplate(text, 'u.xml'));
      expect(issues.map((i) => [i.line, i.element, i.suggestion])).to.deep.equal([
        [2, 'exprt', 'export'],
        [3, 'nmae', 'name'],
        [4, 'provders', 'providers'],
      ]);
      const root = issuesOf(() => readXmlTemplate('<export-confg/>', 'r.xml'));
      expect(root[0]).to.include({ line: 1, element: 'export-confg', suggestion: 'export-config' });
      const far = issuesOf(() => readXmlTemplate('<whatever/>', 'r.xml'));
      expect(far[0]!.suggestion).to.equal(undefined);
    });

    it('two providers in one export', () => {
      const text = '<providers>\n  <consolidatedTrackingProvider/>\n  <trackingProvider/>\n</providers>';
      const issues = issuesOf(() => readXmlTemplate(text, 'two.xml'));
      expect(issues).to.have.length(1);
      expect(issues[0]).to.include({ line: 3, element: 'trackingProvider' });
      expect(issues[0]!.message).to.match(/second provider .*line 2.*exactly one provider/);
    });

    it('no provider in an export', () => {
      const issues = issuesOf(() =>
        readXmlTemplate('<export-config>\n<export>\n<providers/>\n</export>\n<export/>\n</export-config>', 'n.xml'),
      );
      expect(issues.map((i) => [i.line, i.element])).to.deep.equal([
        [3, 'providers'],
        [5, 'export'],
      ]);
    });

    it('mixed text and elements in a parameter', () => {
      const issues = issuesOf(() =>
        readXmlTemplate(
          wrap('<parameters>\n<statusFormat>Done<completed>x</completed></statusFormat>\n</parameters>'),
          'm.xml',
        ),
      );
      expect(issues).to.have.length(1);
      expect(issues[0]).to.include({ line: 4, element: 'statusFormat' });
      expect(issues[0]!.message).to.match(/mixes text and child elements/);
    });

    it('text in a structural element, a column with children, a step with text, a repeated parameter', () => {
      const text = wrap(
        [
          '<columns>oops',
          '<candidateId><x/></candidateId>',
          '</columns>',
          '<parameters>',
          '<dateFormat>a</dateFormat>',
          '<dateFormat>b</dateFormat>',
          '</parameters>',
        ].join('\n'),
      );
      const issues = issuesOf(() => readXmlTemplate(text, 'm.xml'));
      expect(issues.map((i) => [i.line, i.element])).to.deep.equal([
        [3, 'columns'],
        [4, 'candidateId'],
        [8, 'dateFormat'],
      ]);
    });

    it('reports several problems at once, ordered by line', () => {
      const text = [
        '<export-config>',
        '  <export guid="a">',
        '    <providers>',
        '      <consolidatedTrackingProvider>',
        '        <colums/>',
        '        <parameters><statusFormat>x<completed/></statusFormat></parameters>',
        '      </consolidatedTrackingProvider>',
        '      <other/>',
        '    </providers>',
        '    <actons/>',
        '  </export>',
        '  <exprt/>',
        '</export-config>',
      ].join('\n');
      let message = '';
      const issues = issuesOf(() => {
        try {
          readXmlTemplate(text, 'many.xml');
        } catch (error) {
          message = (error as Error).message;
          throw error;
        }
      });
      expect(issues.map((i) => [i.line, i.element, i.suggestion])).to.deep.equal([
        [5, 'colums', 'columns'],
        [6, 'statusFormat', undefined],
        [8, 'other', undefined],
        [10, 'actons', 'actions'],
        [12, 'exprt', 'export'],
      ]);
      expect(message).to.match(/^5 problems in the template:/);
      expect(message).to.contain('many.xml:5: <colums> unknown element in <consolidatedTrackingProvider>');
      expect(message).to.contain('(did you mean columns?)');
    });
  });
});
