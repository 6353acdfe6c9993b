import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import {
  MAX_LISTED_PROBLEMS,
  TEMPLATE_LIMITS,
  TemplateError,
  TemplateFileError,
  parseTemplate,
  readTemplate,
  readXmlTemplate,
  readYamlTemplate,
} from '@exportkit/core';
import { issuesOf } from './helpers.js';

const xmlColumns = (body: string) =>
  `<providers><consolidatedTrackingProvider>\n<columns>${body}</columns>\n</consolidatedTrackingProvider></providers>\n`;

describe('template: bounds and reading rules', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'exportkit-bounds-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('documents its bounds: 1 MiB, 32 levels, 10,000 nodes, 50,000 YAML tokens, 100 aliases, 50 problems listed', () => {
    expect(TEMPLATE_LIMITS).to.deep.equal({
      maxBytes: 1_048_576,
      maxDepth: 32,
      maxNodes: 10_000,
      maxYamlTokens: 50_000,
      maxYamlAliases: 100,
    });
    expect(MAX_LISTED_PROBLEMS).to.equal(50);
  });

  describe('size', () => {
    const over = 'x'.repeat(TEMPLATE_LIMITS.maxBytes);
    it('a text over 1 MiB is refused before parsing, in both spellings and through parseTemplate', () => {
      for (const read of [
        () => readXmlTemplate(`<providers>${over}</providers>`, 't.xml'),
        () => readYamlTemplate(`provider: ${over}`, 't.yaml'),
        () => parseTemplate(`provider: ${over}`, 't.yaml'),
      ]) {
        const [issue] = issuesOf(read);
        expect(issue).to.deep.equal({
          file: issue!.file,
          message: 'the template is more than 1,048,576 bytes; a template is at most 1,048,576 bytes (1 MiB)',
        });
      }
    });

    it('counts UTF-8 bytes, not characters', () => {
      const text = `provider: ${'é'.repeat(TEMPLATE_LIMITS.maxBytes / 2)}`; // fewer characters than the bound, more bytes
      expect(text.length).to.be.below(TEMPLATE_LIMITS.maxBytes);
      expect(issuesOf(() => readYamlTemplate(text, 't.yaml'))[0]!.message).to.equal(
        `the template is ${(TEMPLATE_LIMITS.maxBytes + 10).toLocaleString('en-US')} bytes; a template is at most 1,048,576 bytes (1 MiB)`,
      );
    });

    it('a file over the bound is refused from its size, naming it', async () => {
      const file = join(dir, 'big.yaml');
      writeFileSync(file, `provider: consolidatedTracking\nx: ${over}\n`);
      const error = await readTemplate(file).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(TemplateError);
      expect((error as TemplateError).message).to.equal(
        `${file}: the template is 1,048,611 bytes; a template is at most 1,048,576 bytes (1 MiB)`,
      );
    });
  });

  describe('depth and nodes', () => {
    it('XML: 32 levels are read, the 33rd is refused at its line', () => {
      const nest = (depth: number) => '<p>'.repeat(depth) + '</p>'.repeat(depth);
      const within = `<providers><consolidatedTrackingProvider><parameters>\n${nest(TEMPLATE_LIMITS.maxDepth - 3)}\n</parameters></consolidatedTrackingProvider></providers>`;
      expect(readXmlTemplate(within, 't.xml').exports[0]!.provider.parameters).to.have.length(1);
      const beyond = within.replace('<p>', '<p><p>').replace('</p>', '</p></p>');
      expect(issuesOf(() => readXmlTemplate(beyond, 't.xml'))).to.deep.equal([
        { file: 't.xml', line: 2, element: 'p', message: 'is nested 33 elements deep; a template nests at most 32' },
      ]);
    });

    it('YAML: 32 levels are read, the 33rd is refused at its line', () => {
      const nest = (depth: number) => '{a: '.repeat(depth) + 'b' + '}'.repeat(depth);
      const within = `provider: p\nparameters:\n  x: ${nest(TEMPLATE_LIMITS.maxDepth - 2)}\n`;
      expect(readYamlTemplate(within, 't.yaml').exports[0]!.provider.parameters).to.have.length(1);
      const beyond = within.replace('{a: ', '{a: {a: ').replace('}', '}}');
      expect(issuesOf(() => readYamlTemplate(beyond, 't.yaml'))).to.deep.equal([
        {
          file: 't.yaml',
          line: 3,
          message: 'lists and maps are nested more than 32 deep; a template nests at most 32',
        },
      ]);
    });

    it('XML: 10,000 elements and attributes are read, one more is refused', () => {
      const within = xmlColumns('<c/>'.repeat(TEMPLATE_LIMITS.maxNodes - 3));
      expect(readXmlTemplate(within, 't.xml').exports[0]!.provider.columns).to.have.length(
        TEMPLATE_LIMITS.maxNodes - 3,
      );
      const issues = issuesOf(() =>
        readXmlTemplate(xmlColumns('<c/>'.repeat(TEMPLATE_LIMITS.maxNodes - 4) + '<c a=""/>'), 't.xml'),
      );
      expect(issues).to.deep.equal([
        {
          file: 't.xml',
          line: 2,
          element: 'c',
          message: 'the template holds more than 10,000 elements and attributes; that is the most a template may hold',
        },
      ]);
    });

    it('YAML: 10,000 keys, values and list items are read, one more is refused', () => {
      const columns = (count: number) => `provider: p\ncolumns: [${Array(count).fill('c').join(',')}]\n`;
      // provider, p, columns and the list itself are four nodes.
      expect(
        readYamlTemplate(columns(TEMPLATE_LIMITS.maxNodes - 4), 't.yaml').exports[0]!.provider.columns,
      ).to.have.length(TEMPLATE_LIMITS.maxNodes - 4);
      expect(issuesOf(() => readYamlTemplate(columns(TEMPLATE_LIMITS.maxNodes - 3), 't.yaml'))[0]!.message).to.equal(
        'the template holds more than 10,000 keys, values and list items; that is the most a template may hold',
      );
    });

    it('YAML: aliases within the bounds are expanded; an expansion past the node bound is refused', () => {
      const list = Array(1000).fill('c').join(',');
      const text = (uses: number) =>
        `a: &a [${list}]\n` + Array.from({ length: uses }, (_, i) => `b${i}: *a\n`).join('') + 'provider: p\n';
      expect(() => readYamlTemplate(text(5), 't.yaml')).to.throw(TemplateError, /unknown key/); // read, then refused for its keys only
      const [issue] = issuesOf(() => readYamlTemplate(text(25), 't.yaml'));
      expect(issue!.message).to.match(
        /^too many alias expansions: with its aliases expanded the template holds more than 10,000/,
      );
    });
  });

  describe('text', () => {
    it('a NUL character is refused at its line, raw or escaped, in keys and values', () => {
      expect(issuesOf(() => readXmlTemplate('<providers>\n<p\u0000/></providers>', 't.xml'))).to.deep.equal([
        {
          file: 't.xml',
          line: 2,
          message: 'holds a NUL character (U+0000); a template is text and no value may contain one',
        },
      ]);
      expect(issuesOf(() => readYamlTemplate('provider: p\ncolumns:\n  - "c\\x00"\n', 't.yaml'))[0]).to.include({
        line: 3,
      });
      expect(issuesOf(() => readYamlTemplate('provider: p\n"k\\u0000": v\n', 't.yaml'))[0]).to.include({ line: 2 });
    });

    it('every tag is a problem at its line, whatever the schema knows of it', () => {
      const issues = issuesOf(() =>
        readYamlTemplate('provider: !!str p\ncolumns: !!seq [c]\nparameters: {a: !!binary aGk=, b: !x y}\n', 't.yaml'),
      );
      expect(issues.map((i) => [i.line, i.message])).to.deep.equal([
        [1, 'YAML tags (!!str) are not used in templates; write the value without it'],
        [2, 'YAML tags (!!seq) are not used in templates; write the value without it'],
        [3, 'YAML tags (!!binary) are not used in templates; write the value without it'],
        [3, 'YAML tags (!x) are not used in templates; write the value without it'],
      ]);
    });

    it('invalid UTF-8 names the line of the first bad byte; a directory is a TemplateFileError (exit 2)', async () => {
      const file = join(dir, 'latin1.yaml');
      writeFileSync(file, Buffer.from('provider: p\ncolumns:\n  - caf\xe9\n', 'latin1'));
      const error = await readTemplate(file).catch((e: unknown) => e);
      expect((error as TemplateError).issues).to.deep.equal([
        { file, line: 3, message: 'the file is not valid UTF-8 text' },
      ]);
      const folder = join(dir, 'folder.xml');
      mkdirSync(folder);
      const notAFile = await readTemplate(folder).catch((e: unknown) => e);
      expect(notAFile).to.be.instanceOf(TemplateFileError);
      expect((notAFile as TemplateFileError).exitCode).to.equal(2);
      expect((notAFile as Error).message).to.equal(
        `cannot read the template ${folder}: it is a directory; name a template file`,
      );
    });
  });

  describe('the problems listed', () => {
    const issues = (count: number) =>
      Array.from({ length: count }, (_, i) => ({ file: 't.xml', line: i + 1, message: 'wrong' }));
    it(`lists ${MAX_LISTED_PROBLEMS} problems and says how many more, keeping all of them`, () => {
      const error = new TemplateError(issues(120_000));
      expect(error.issues).to.have.length(120_000);
      const lines = error.message.split('\n');
      expect(lines[0]).to.equal('120,000 problems in the template; the first 50:');
      expect(lines.slice(1, -1)).to.have.length(50);
      expect(lines[50]).to.equal('  t.xml:50: wrong');
      expect(lines.at(-1)).to.equal('  … and 119,950 more');
    });
    it(`lists every problem up to ${MAX_LISTED_PROBLEMS}`, () => {
      const message = new TemplateError(issues(50)).message;
      expect(message.split('\n')[0]).to.equal('50 problems in the template:');
      expect(message).not.to.contain('more');
    });
  });
});
