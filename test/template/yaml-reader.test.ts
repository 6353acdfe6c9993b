import { expect } from 'chai';
import { readXmlTemplate, readYamlTemplate, type ExportConfig } from '@exportkit/core';
import { fixture, issuesOf, withoutLines } from './helpers.js';

const read = (text: string) => readYamlTemplate(text, 't.yaml');

describe('template: YAML reader', () => {
  describe("the user's example", () => {
    let config: ExportConfig;
    before(() => {
      config = readYamlTemplate(fixture('user-example.yaml'), 'user-example.yaml');
    });

    it('reads to the same model as the XML (ignoring lines; the provider as written)', () => {
      const xml = readXmlTemplate(fixture('user-example.xml'), 'user-example.xml');
      expect(config.format).to.equal('yaml');
      expect(xml.exports[0]!.provider.name).to.equal('consolidatedTrackingProvider');
      expect(config.exports[0]!.provider.name).to.equal('consolidatedTracking');
      const normalise = (c: ExportConfig) =>
        withoutLines(c.exports).map((e) => ({ ...e, provider: { ...e.provider, name: 'consolidatedTracking' } }));
      expect(normalise(config)).to.deep.equal(normalise(xml));
    });

    it('keeps exact lines of the export, provider, columns and parameters', () => {
      const [definition] = config.exports;
      expect(definition!.line).to.equal(2);
      expect(definition!.provider.line).to.equal(2);
      const columns = definition!.provider.columns;
      expect(columns).to.have.length(45);
      columns.forEach((column, index) => expect(column.line, column.name).to.equal(index + 4));
      expect(columns[9]).to.deep.equal({
        line: 13,
        name: 'candidateCustomFieldGuid',
        label: 'Department',
        value: '8345C0A3-B8AB-7F65-0638-39B0E1244AA8',
        attributes: {},
      });
      expect(definition!.provider.parameters.map((p) => [p.name, p.line])).to.deep.equal([
        ['dateTimeFormat', 50],
        ['timeFrames', 51],
        ['timeFramesScale', 52],
        ['timeFrameScaleMode', 53],
      ]);
    });
  });

  it('the full form reads to the same model as its XML spelling (ignoring lines)', () => {
    const yaml = readYamlTemplate(fixture('full-form.yaml'), 'full-form.yaml');
    const xml = readXmlTemplate(fixture('full-form.xml'), 'full-form.xml');
    expect(withoutLines(yaml.exports)).to.deep.equal(withoutLines(xml.exports));
    expect(yaml.exports.map((e) => e.line)).to.deep.equal([3, 55]);
    expect(yaml.exports[0]!.actions.map((a) => a.line)).to.deep.equal([35, 40]);
    expect(yaml.exports[0]!.actions[0]!.options['showHeaders']!.line).to.equal(39);
  });

  it('keeps every scalar as its source text', () => {
    const config = read(
      [
        'provider: p',
        'parameters:',
        '  a: 3',
        '  b: yes',
        '  c: 3.10',
        '  d: 0x1F',
        '  e: "007"',
        '  f: 1e3',
        '  g: null',
        '  h:',
        '  i: true',
        "  j: 'it''s'",
        '  k: |',
        '    two',
        '    lines',
      ].join('\n'),
    );
    const values = Object.fromEntries(
      config.exports[0]!.provider.parameters.map((p) => [p.name, p.value.kind === 'scalar' ? p.value.text : p.value]),
    );
    expect(values).to.deep.equal({
      a: '3',
      b: 'yes',
      c: '3.10',
      d: '0x1F',
      e: '007',
      f: '1e3',
      g: 'null',
      h: '',
      i: 'true',
      j: "it's",
      k: 'two\nlines\n',
    });
  });

  it('reads lists, maps and both spellings of templates (values and lines)', () => {
    const config = read(
      [
        'provider: consolidatedTracking',
        'parameters:',
        '  activityType: [learning_resource, classroom]',
        '  statusFormat:',
        '    completed: Done',
        '    notAttempted: "-"',
        '  templates:',
        '    1: "{0} - {1}"',
        '    2: "{1}"',
      ].join('\n'),
    );
    const [list, map, templates] = config.exports[0]!.provider.parameters;
    expect(list).to.deep.equal({
      line: 3,
      name: 'activityType',
      value: { kind: 'list', items: ['learning_resource', 'classroom'] },
    });
    expect(map).to.deep.equal({
      line: 4,
      name: 'statusFormat',
      value: {
        kind: 'map',
        children: {
          completed: { kind: 'scalar', text: 'Done', line: 5 },
          notAttempted: { kind: 'scalar', text: '-', line: 6 },
        },
      },
    });
    const expected = {
      kind: 'entries',
      entries: [
        { line: 8, name: 'template', attributes: { id: '1' }, text: '{0} - {1}' },
        { line: 9, name: 'template', attributes: { id: '2' }, text: '{1}' },
      ],
    };
    expect(templates).to.deep.equal({ line: 7, name: 'templates', value: expected });

    const asList = read(
      [
        'provider: consolidatedTracking',
        'parameters:',
        '  templates:',
        '    - {id: 1, text: "{0} - {1}"}',
        '    - id: 2',
        '      text: "{1}"',
      ].join('\n'),
    );
    expect(asList.exports[0]!.provider.parameters[0]!.value).to.deep.equal({
      kind: 'entries',
      entries: [
        { line: 4, name: 'template', attributes: { id: '1' }, text: '{0} - {1}' },
        { line: 5, name: 'template', attributes: { id: '2' }, text: '{1}' },
      ],
    });
  });

  it('reads the three column shapes and steps with or without options', () => {
    const config = read(
      [
        'provider: consolidatedTracking',
        'columns:',
        '  - candidateId',
        '  - constantValue: N/A',
        '  - candidateCustomFieldGuid: {label: Department, value: 8345}',
        '  - name: templatedValue',
        '    templateId: 1',
        '    label: Who',
        'consolidators:',
        '  - timeLogger',
        '  - cleanFolder:',
        '  - moveToFolder: {folderPath: out, deleteEmptyFiles: yes}',
      ].join('\n'),
    );
    const [definition] = config.exports;
    expect(definition!.provider.columns).to.deep.equal([
      { line: 3, name: 'candidateId', attributes: {} },
      { line: 4, name: 'constantValue', value: 'N/A', attributes: {} },
      { line: 5, name: 'candidateCustomFieldGuid', label: 'Department', value: '8345', attributes: {} },
      { line: 6, name: 'templatedValue', label: 'Who', attributes: { templateId: '1' } },
    ]);
    expect(definition!.consolidators).to.deep.equal([
      { line: 10, type: 'timeLogger', options: {} },
      { line: 11, type: 'cleanFolder', options: {} },
      {
        line: 12,
        type: 'moveToFolder',
        options: {
          folderPath: { kind: 'scalar', text: 'out', line: 12 },
          deleteEmptyFiles: { kind: 'scalar', text: 'yes', line: 12 },
        },
      },
    ]);
  });

  it('expands aliases within the limit', () => {
    const config = read(
      ['exports:', '  - provider: p', '    columns: &cols [a, b]', '  - provider: p', '    columns: *cols'].join('\n'),
    );
    expect(config.exports[1]!.provider.columns.map((c) => c.name)).to.deep.equal(['a', 'b']);
  });

  describe('errors', () => {
    it('a YAML syntax error names its line', () => {
      const issues = issuesOf(() => read('provider: p\ncolumns: [a, b\nparameters:\n  x: 1\n'));
      expect(issues.length).to.be.greaterThan(0);
      expect(issues[0]!.message).to.match(/^YAML syntax error: /);
      expect(issues[0]!.line).to.be.oneOf([2, 3, 4]);
      const tab = issuesOf(() => read('provider: p\n\tcolumns: x\n'));
      expect(tab[0]).to.include({
        line: 2,
        message: 'YAML syntax error: Tabs are not allowed as indentation (column 1)',
      });
    });

    it('a duplicate key names the key and both lines', () => {
      const issues = issuesOf(() =>
        read('provider: p\nparameters:\n  dateFormat: a\n  maxLength: 3\n  dateFormat: b\n'),
      );
      expect(issues).to.have.length(1);
      expect(issues[0]).to.include({ file: 't.yaml', line: 5, element: 'dateFormat' });
      expect(issues[0]!.message).to.match(/duplicate key .*first at line 3/);
    });

    it('an unknown key names the closest known one', () => {
      const issues = issuesOf(() => read('provider: p\ncolums:\n  - candidateId\n'));
      expect(issues).to.have.length(1);
      expect(issues[0]).to.include({ line: 2, element: 'colums', suggestion: 'columns' });
      const inList = issuesOf(() => read('exports:\n  - provider: p\n    parameter: {}\nexport: []\n'));
      expect(inList.map((i) => [i.line, i.element, i.suggestion])).to.deep.equal([
        [3, 'parameter', 'parameters'],
        [4, 'export', 'exports'],
      ]);
    });

    it('export keys beside `exports` are misplaced', () => {
      const issues = issuesOf(() => read('exports:\n  - provider: p\nprovider: q\n'));
      expect(issues).to.have.length(1);
      expect(issues[0]).to.include({ line: 3, element: 'provider' });
      expect(issues[0]!.message).to.match(/belongs to an export/);
    });

    it('wrong node kinds', () => {
      const issues = issuesOf(() =>
        read(
          [
            'provider: [a]',
            'columns: candidateId',
            'parameters: [a]',
            'actions:',
            '  - fileExportAction:',
            '    format: CSV',
            'plugins: {a: b}',
          ].join('\n'),
        ),
      );
      expect(issues.map((i) => [i.line, i.element])).to.deep.equal([
        [1, 'provider'],
        [2, 'columns'],
        [3, 'parameters'],
        [5, 'fileExportAction,format'],
        [7, 'plugins'],
      ]);
      expect(issues[3]!.message).to.contain('indented under the step name');
    });

    it('a missing provider, an empty template, a template that is not a map', () => {
      expect(issuesOf(() => read('columns: [a]\n'))[0]).to.include({ line: 1, element: 'provider' });
      expect(issuesOf(() => read('# nothing\n'))[0]!.message).to.match(/empty/);
      expect(issuesOf(() => read('- a\n- b\n'))[0]!.message).to.match(/is a map/);
    });

    it('refuses a billion-laughs document', () => {
      let text = 'a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n';
      for (let i = 1; i < 9; i++)
        text += `a${i}: &a${i} [${Array(9)
          .fill(`*a${i - 1}`)
          .join(', ')}]\n`;
      text += 'provider: p\ncolumns: *a8\n';
      const started = Date.now();
      const issues = issuesOf(() => read(text));
      expect(Date.now() - started).to.be.below(2000);
      expect(issues[0]!.message).to.match(/too many alias expansions/);
    });

    it('refuses tags and several documents', () => {
      expect(issuesOf(() => read('provider: !!int 3\n'))[0]!.line).to.equal(1);
      expect(issuesOf(() => read('provider: p\n---\nprovider: q\n'))[0]!.message).to.match(/multiple documents/);
    });

    it('reports several problems at once, ordered by line', () => {
      const issues = issuesOf(() =>
        read(
          [
            'exports:',
            '  - guid: a',
            '    provder: p',
            '    columns:',
            '      - candidateId',
            '      - {a: 1, b: 2}',
            '    parameters:',
            '      x: 1',
            '      x: 2',
          ].join('\n'),
        ),
      );
      expect(issues.map((i) => [i.line, i.element, i.suggestion])).to.deep.equal([
        [2, 'provider', undefined],
        [3, 'provder', 'provider'],
        [6, 'a,b', undefined],
        [9, 'x', undefined],
      ]);
    });
  });
});
