/*
 * Hostile templates for `exportkit validate` (no database): every one is refused with exit 2,
 * the file and line, a message and no stack trace, in under 2 s and 200 MB (expectCleanRefusal).
 * Both spellings wherever the case applies to both.
 */
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectBoundedTime, expectCleanRefusal, runCli } from './refusal.js';

const PROTOTYPE_NAMES = ['constructor', 'toString', 'hasOwnProperty', '__proto__'] as const;

describe('hostile templates: the readers and the command line refuse them cleanly', function () {
  this.timeout(120_000);
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'exportkit-hostile-readers-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Writes `content` to a file of the scratch folder; returns its absolute path. */
  const write = (name: string, content: string | Buffer): string => {
    const file = join(dir, name);
    writeFileSync(file, content);
    return file;
  };
  const validate = (file: string) => runCli(['validate', file]);

  /** The line (1-based) of the first line of `lines` that contains `needle`. */
  const lineOf = (lines: readonly string[], needle: string): number => {
    const index = lines.findIndex((line) => line.includes(needle));
    expect(index, needle).to.be.at.least(0);
    return index + 1;
  };

  describe('names of Object.prototype members are names like any other', () => {
    /** Refused with every line that names `name` reported as a problem; returns the outcome. */
    const expectEveryLine = (file: string, lines: readonly string[], name: string, first: RegExp, count: number) => {
      const outcome = validate(file);
      const problemLines = lines.flatMap((line, index) => (line.includes(name) ? [index + 1] : []));
      expect(problemLines).to.have.length(count);
      expectCleanRefusal(outcome, { file, line: problemLines[0]!, message: first });
      for (const line of problemLines)
        expect(outcome.stderr, `line ${line}`).to.contain(`${file}:${line}: ${file.endsWith('.xml') ? '<' : ''}`);
      return outcome;
    };

    for (const name of PROTOTYPE_NAMES) {
      // Structural problems stop a template before validation, so each level gets its template.
      it(`XML: <${name}> at every structural level is a problem at its line, not a crash`, () => {
        const lines = [
          '<export-config>',
          `  <${name}/>`,
          `  <export guid="g" ${name}="x">`,
          `    <${name}/>`,
          `    <plugins><${name}/></plugins>`,
          '    <providers>',
          '      <consolidatedTrackingProvider>',
          `        <${name}/>`,
          '        <columns><candidateId/></columns>',
          '      </consolidatedTrackingProvider>',
          '    </providers>',
          '  </export>',
          '</export-config>',
        ];
        const file = write(`structure-${name}.xml`, lines.join('\n') + '\n');
        expectEveryLine(file, lines, name, new RegExp(`<${name}> unknown element in <export-config>`), 5);
      });

      it(`XML: <${name}> as a column, attribute, parameter, option, step and value is a problem at its line`, () => {
        const lines = [
          '<export-config>',
          '  <export guid="g">',
          '    <providers>',
          '      <consolidatedTrackingProvider>',
          '        <columns>',
          '          <candidateId/>',
          `          <${name}/>`,
          `          <sessionTitle ${name}="1"/>`,
          '        </columns>',
          '        <parameters>',
          `          <${name}>1</${name}>`,
          `          <statusFormat><${name}>Done</${name}></statusFormat>`,
          '        </parameters>',
          '      </consolidatedTrackingProvider>',
          '    </providers>',
          '    <actions>',
          `      <fileExportAction format="CSV" ${name}="x"/>`,
          `      <fileExportAction format="TSV"><${name}>x</${name}></fileExportAction>`,
          `      <fileExportAction format="${name}"/>`,
          '    </actions>',
          '    <consolidators>',
          `      <${name}/>`,
          `      <archive ${name}="x"/>`,
          '    </consolidators>',
          '    <postProcess>',
          `      <${name}/>`,
          `      <packager><${name}>zip</${name}></packager>`,
          '    </postProcess>',
          '  </export>',
          '</export-config>',
        ];
        const file = write(`prototype-${name}.xml`, lines.join('\n') + '\n');
        const outcome = expectEveryLine(
          file,
          lines,
          name,
          new RegExp(`<${name}> unknown column of consolidatedTracking`),
          11,
        );
        expect(outcome.stderr).to.contain(
          `${file}:${lineOf(lines, `<statusFormat><${name}>`)}: <statusFormat> unknown child <${name}>`,
        );
        expect(outcome.stderr).to.contain(
          `${file}:${lineOf(lines, `format="${name}"`)}: <fileExportAction.format> "${name}" is not allowed`,
        );
      });

      it(`YAML: ${name} as a key of the template and of an export is a problem at its line, not a crash`, () => {
        const lines = [
          'exports:',
          '  - guid: g',
          `    ${name}: x`,
          '    provider: consolidatedTracking',
          '    columns: [candidateId]',
          `${name}: beside exports`,
        ];
        const file = write(`structure-${name}.yaml`, lines.join('\n') + '\n');
        expectEveryLine(file, lines, name, new RegExp(`${name}: unknown key in export exports\\[0\\]`), 2);
        const shorthand = ['provider: consolidatedTracking', 'columns: [candidateId]', `${name}: x`];
        const short = write(`shorthand-${name}.yaml`, shorthand.join('\n') + '\n');
        expectEveryLine(short, shorthand, name, new RegExp(`${name}: unknown key in the template`), 1);
      });

      it(`YAML: ${name} as a column, attribute, parameter, option, step and value is a problem at its line`, () => {
        const lines = [
          'provider: consolidatedTracking',
          'columns:',
          '  - candidateId',
          `  - ${name}`,
          `  - sessionTitle: {${name}: 1}`,
          // A column's attributes are reported at the column's line: the map form on one line.
          `  - {name: candidateName, ${name}: 1}`,
          'parameters:',
          `  ${name}: 1`,
          `  statusFormat: {${name}: Done}`,
          'actions:',
          `  - fileExportAction: {format: CSV, ${name}: x}`,
          `  - fileExportAction: {format: ${name}}`,
          'consolidators:',
          `  - ${name}`,
          `  - archive: {${name}: x}`,
          'postProcess:',
          `  - ${name}: {}`,
          `  - packager: {type: zip, ${name}: x}`,
        ];
        const file = write(`prototype-${name}.yaml`, lines.join('\n') + '\n');
        const outcome = expectEveryLine(
          file,
          lines,
          name,
          new RegExp(`${name}: unknown column of consolidatedTracking`),
          11,
        );
        expect(outcome.stderr).to.contain(
          `${file}:${lineOf(lines, 'statusFormat:')}: statusFormat: unknown child <${name}>`,
        );
        expect(outcome.stderr).to.contain(
          `${file}:${lineOf(lines, `format: ${name}`)}: fileExportAction.format: "${name}" is not allowed`,
        );
      });
    }

    it('XML: a root element named __proto__ or constructor', () => {
      for (const name of ['__proto__', 'constructor']) {
        const file = write(`root-${name}.xml`, `<${name}/>\n`);
        expectCleanRefusal(validate(file), { file, line: 1, message: /unknown root element in the document/ });
      }
    });
  });

  describe('nesting', () => {
    for (const depth of [4_000, 100_000]) {
      it(`XML nested ${depth.toLocaleString('en-US')} deep is refused at the element past the bound`, () => {
        const file = write(
          `deep-${depth}.xml`,
          '<providers>\n<consolidatedTrackingProvider>\n<parameters>\n<statusFormat>\n' +
            '<a>'.repeat(depth) +
            '</a>'.repeat(depth) +
            '\n</statusFormat>\n</parameters>\n</consolidatedTrackingProvider>\n</providers>\n',
        );
        expectCleanRefusal(validate(file), {
          file,
          line: 5,
          message: /<a> is nested 33 elements deep; a template nests at most 32/,
        });
      });
    }

    it('YAML lists nested 4,000 deep, in flow and in block style', () => {
      const flow = write(
        'deep-flow.yaml',
        'provider: consolidatedTracking\nparameters:\n  statusFormat: ' + '['.repeat(4000) + ']'.repeat(4000) + '\n',
      );
      expectCleanRefusal(validate(flow), {
        file: flow,
        line: 3,
        message: /nested more than 32 deep; a template nests at most 32/,
      });
      const block = write(
        'deep-block.yaml',
        'provider: consolidatedTracking\nparameters:\n  statusFormat:\n    ' + '- '.repeat(4000) + 'x\n',
      );
      expectCleanRefusal(validate(block), {
        file: block,
        line: 4,
        message: /nested more than 32 deep; a template nests at most 32/,
      });
    });

    it('YAML lists nested 100,000 deep are refused before the parser builds them', () => {
      const flow = write(
        'deeper-flow.yaml',
        'provider: consolidatedTracking\nparameters:\n  statusFormat: ' +
          '['.repeat(100_000) +
          ']'.repeat(100_000) +
          '\n',
      );
      expectCleanRefusal(validate(flow), {
        file: flow,
        line: 3,
        message: /more than 10,000 keys, values and list items/,
      });
      const block = write(
        'deeper-block.yaml',
        'provider: consolidatedTracking\nparameters:\n  statusFormat:\n    ' + '- '.repeat(100_000) + 'x\n',
      );
      expectCleanRefusal(validate(block), { file: block, line: 4, message: /more than 50,000 YAML tokens/ });
    });
  });

  describe('many problems, many nodes', () => {
    it('XML: 990 unknown columns (under the 1,000-column bound) are all reported; the message lists 50 and says how many more', () => {
      const file = write(
        'many-problems.xml',
        '<providers><consolidatedTrackingProvider>\n<columns>\n' +
          '<a/>'.repeat(990) +
          '\n</columns></consolidatedTrackingProvider></providers>\n',
      );
      const outcome = validate(file);
      expectCleanRefusal(outcome, { file, line: 3, message: /990 problems in the template; the first 50:\n/ });
      expect(outcome.stderr).to.contain('  … and 940 more');
      expect(outcome.stderr.match(/<a> unknown column/g)).to.have.length(50);
    });

    it('YAML: 990 unknown columns (under the 1,000-column bound) are all reported; the message lists 50 and says how many more', () => {
      const file = write(
        'many-problems.yaml',
        'provider: consolidatedTracking\ncolumns: [' + Array(990).fill('a').join(',') + ']\n',
      );
      const outcome = validate(file);
      expectCleanRefusal(outcome, { file, line: 2, message: /990 problems in the template; the first 50:\n/ });
      expect(outcome.stderr).to.contain('  … and 940 more');
    });

    it('120,000 unknown columns: refused by the node bound, in both spellings', () => {
      const xml = write(
        'problems-120k.xml',
        '<providers><consolidatedTrackingProvider>\n<columns>\n' +
          '<a/>'.repeat(120_000) +
          '\n</columns></consolidatedTrackingProvider></providers>\n',
      );
      expectCleanRefusal(validate(xml), { file: xml, line: 3, message: /more than 10,000 elements and attributes/ });
      const yaml = write(
        'problems-120k.yaml',
        'provider: consolidatedTracking\ncolumns: [' + Array(120_000).fill('a').join(',') + ']\n',
      );
      expectCleanRefusal(validate(yaml), {
        file: yaml,
        line: 2,
        message: /more than 10,000 keys, values and list items/,
      });
    });

    it('YAML with 200,000 keys: one key a line is over the size bound, a flow map within it is over the node bound', () => {
      let keyPerLine = 'provider: consolidatedTracking\ncolumns: [candidateId]\nparameters:\n';
      for (let i = 0; i < 200_000; i++) keyPerLine += `  key${i}: value\n`;
      const large = write('keys-200k.yaml', keyPerLine);
      expectCleanRefusal(validate(large), {
        file: large,
        message: /the template is [\d,]+ bytes; a template is at most 1,048,576 bytes \(1 MiB\)/,
      });
      const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
      const keys: string[] = [];
      for (const a of letters)
        for (const b of letters) for (const c of letters) if (keys.length < 200_000) keys.push(a + b + c);
      const compact = write('keys-200k-flow.yaml', `provider: consolidatedTracking\nparameters: {${keys.join(',')}}\n`);
      expectCleanRefusal(validate(compact), {
        file: compact,
        line: 2,
        message: /more than 10,000 keys, values and list items/,
      });
    });

    it('XML with 100,000 attributes on one element is over the node bound', () => {
      const attributes = Array.from({ length: 100_000 }, (_, i) => ` a${i.toString(36)}=""`).join('');
      const file = write(
        'attributes-200k.xml',
        `<providers>\n<consolidatedTrackingProvider>\n<columns>\n<candidateId${attributes}/>\n</columns>\n</consolidatedTrackingProvider>\n</providers>\n`,
      );
      expectCleanRefusal(validate(file), { file, line: 4, message: /more than 10,000 elements and attributes/ });
    });

    it('YAML: a million line ends are over the token bound', () => {
      const file = write('lines.yaml', 'provider: consolidatedTracking\n' + '\n'.repeat(1_000_000));
      expectCleanRefusal(validate(file), { file, message: /more than 50,000 YAML tokens/ });
    });
  });

  describe('size', () => {
    // The size bound refuses a 64 MB label or constant from the file's size, before reading or parsing it.
    const huge = 'x'.repeat(64 * 1024 * 1024);
    it('XML: a 64 MB constant', () => {
      const file = write(
        'huge.xml',
        `<providers><consolidatedTrackingProvider><columns><constantValue label="a">${huge}</constantValue></columns></consolidatedTrackingProvider></providers>\n`,
      );
      expectCleanRefusal(validate(file), {
        file,
        message: /the template is 67,10\d,\d{3} bytes; a template is at most 1,048,576 bytes \(1 MiB\)/,
      });
    });
    it('YAML: a 64 MB label', () => {
      const file = write('huge.yaml', `provider: consolidatedTracking\ncolumns:\n  - candidateId: {label: ${huge}}\n`);
      expectCleanRefusal(validate(file), {
        file,
        message: /the template is 67,10\d,\d{3} bytes; a template is at most 1,048,576 bytes \(1 MiB\)/,
      });
    });
  });

  describe('YAML features templates do not use', () => {
    it('tags (!!binary, !!str, !foo) are refused, each at its line', () => {
      const file = write(
        'tags.yaml',
        'provider: consolidatedTracking\ncolumns: [candidateId]\nparameters:\n  dateFormat: !!binary aGVsbG8=\n  timeZone: !!str UTC\n  statusFormat: !foo {completed: Done}\n',
      );
      const outcome = validate(file);
      expectCleanRefusal(outcome, { file, line: 4, message: /YAML tags \(!!binary\) are not used in templates/ });
      expect(outcome.stderr).to.contain(`${file}:5: YAML tags (!!str) are not used in templates`);
      expect(outcome.stderr).to.contain(`${file}:6: YAML tags (!foo) are not used in templates`);
    });

    it('a billion-laughs alias bomb is refused as too many alias expansions', () => {
      let text = 'a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n';
      for (let i = 1; i < 9; i++)
        text += `a${i}: &a${i} [${Array(9)
          .fill(`*a${i - 1}`)
          .join(', ')}]\n`;
      const file = write('laughs.yaml', text + 'provider: consolidatedTracking\ncolumns: *a8\n');
      expectCleanRefusal(validate(file), {
        file,
        line: 5,
        message: /too many alias expansions: with its aliases expanded the template holds more than 10,000/,
      });
    });

    it('more than 100 aliases are refused at the 101st', () => {
      const file = write(
        'aliases.yaml',
        'provider: consolidatedTracking\ncolumns: &c [candidateId]\n' +
          Array.from({ length: 101 }, (_, i) => `x${i}: *c\n`).join(''),
      );
      expectCleanRefusal(validate(file), { file, line: 103, message: /too many aliases \(more than 100\)/ });
    });

    it('an alias inside the node it names is refused', () => {
      const file = write('cycle.yaml', 'provider: consolidatedTracking\ncolumns: &c [candidateId, *c]\n');
      expectCleanRefusal(validate(file), {
        file,
        line: 2,
        message: /the alias \*c stands for a node that contains it/,
      });
    });
  });

  describe('XML features templates do not use', () => {
    it('a DTD with entities (billion laughs) is refused at the declaration, nothing expanded', () => {
      const file = write(
        'dtd.xml',
        '<?xml version="1.0"?>\n<!DOCTYPE providers [\n<!ENTITY a "aaaaaaaaaa">\n<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n]>\n<providers>&b;</providers>\n',
      );
      expectCleanRefusal(validate(file), { file, line: 2, message: /DTDs and entity declarations are not allowed/ });
    });
  });

  describe('characters and encodings', () => {
    it('a NUL character in a value is refused at its line, in both spellings and as an escape', () => {
      const xml = write(
        'nul.xml',
        '<providers>\n<consolidatedTrackingProvider><columns>\n<constantValue>a\u0000b</constantValue>\n</columns></consolidatedTrackingProvider></providers>\n',
      );
      expectCleanRefusal(validate(xml), { file: xml, line: 3, message: /holds a NUL character \(U\+0000\)/ });
      const xmlReference = write(
        'nul-reference.xml',
        '<providers>\n<consolidatedTrackingProvider><columns>\n<constantValue>a&#0;b</constantValue>\n</columns></consolidatedTrackingProvider></providers>\n',
      );
      expectCleanRefusal(validate(xmlReference), { file: xmlReference, line: 3, message: /malformed XML/ });
      const yaml = write('nul.yaml', 'provider: consolidatedTracking\ncolumns:\n  - constantValue: a\u0000b\n');
      expectCleanRefusal(validate(yaml), { file: yaml, line: 3, message: /holds a NUL character \(U\+0000\)/ });
      const yamlEscape = write(
        'nul-escape.yaml',
        'provider: consolidatedTracking\ncolumns:\n  - constantValue: "a\\0b"\n',
      );
      expectCleanRefusal(validate(yamlEscape), {
        file: yamlEscape,
        line: 3,
        message: /holds a NUL character \(U\+0000\)/,
      });
    });

    it('invalid UTF-8 is refused at the line of the first bad byte, in both spellings', () => {
      const yaml = write(
        'latin1.yaml',
        Buffer.from('provider: consolidatedTracking\ncolumns:\n  - constantValue: caf\xe9\n', 'latin1'),
      );
      expectCleanRefusal(validate(yaml), { file: yaml, line: 3, message: /the file is not valid UTF-8 text/ });
      const xml = write(
        'latin1.xml',
        Buffer.from(
          '<providers>\n<consolidatedTrackingProvider><columns>\n<constantValue>caf\xe9</constantValue>\n</columns></consolidatedTrackingProvider></providers>\n',
          'latin1',
        ),
      );
      expectCleanRefusal(validate(xml), { file: xml, line: 3, message: /the file is not valid UTF-8 text/ });
    });

    it('a UTF-8 byte order mark is accepted, in both spellings', () => {
      const bom = '\uFEFF';
      for (const [name, text] of [
        ['bom.yaml', `${bom}provider: consolidatedTracking\ncolumns: [candidateId]\n`],
        [
          'bom.xml',
          `${bom}<providers><consolidatedTrackingProvider><columns><candidateId/></columns></consolidatedTrackingProvider></providers>\n`,
        ],
      ] as const) {
        const file = write(name, text);
        const outcome = validate(file);
        expect(outcome.code, outcome.stderr).to.equal(0);
        expect(outcome.stdout).to.contain(`${file}: valid`);
        expectBoundedTime(outcome);
      }
    });
  });

  describe('files and the command line', () => {
    it('an empty file, in both spellings', () => {
      const yaml = write('empty.yaml', '');
      expectCleanRefusal(validate(yaml), { file: yaml, line: 1, message: /the template is empty/ });
      const xml = write('empty.xml', '');
      expectCleanRefusal(validate(xml), { file: xml, line: 1, message: /document must contain a root element/ });
    });

    it('a directory named as the template', () => {
      const folder = join(dir, 'folder.yaml');
      mkdirSync(folder);
      expectCleanRefusal(validate(folder), {
        file: folder,
        message: /cannot read the template .*: it is a directory; name a template file/,
      });
    });

    it('a missing template file', () => {
      const missing = join(dir, 'missing.xml');
      expectCleanRefusal(validate(missing), { file: missing, message: /cannot read the template .*: no such file/ });
      const run = runCli(['run', missing, '--db', 'memory:']);
      expectCleanRefusal(run, { file: missing, message: /no such file/ });
    });

    it('an unsupported --db scheme is a command-line error', () => {
      const template = write('fine.yaml', 'provider: consolidatedTracking\ncolumns: [candidateId]\n');
      const outcome = runCli(['validate', template, '--db', 'ftp://example.org/db']);
      expect(outcome.code, outcome.stderr).to.equal(2);
      expect(outcome.stderr).to.contain('unsupported database target "ftp://example.org/db". Accepted:');
      expect(outcome.stderr).not.to.match(/\n\s+at .+[(:]\d+/);
      const migrate = runCli(['db', 'migrate', '--db', 'mysql://localhost/db']);
      expect(migrate.code, migrate.stderr).to.equal(2);
      expect(migrate.stderr).to.contain('unsupported database target "mysql://localhost/db"');
    });
  });
});
