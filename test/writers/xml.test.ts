import { expect } from 'chai';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import iconv from 'iconv-lite';
import type { OutputColumn } from '@exportkit/core';
import { XmlWriter, toXmlName, xmlElementNames } from '@exportkit/writers';
import { COLUMNS, ROWS, decimalComma } from './support/sample.js';
import { tempDir, writeFile } from './support/write-file.js';

const NAMES = ['Name', 'Comment___quoted___with_pipe', 'Score', 'Count', 'Day', 'Seen_at', 'Status', 'Time_spent'];

function parseXml(text: string): Record<string, string>[] {
  expect(XMLValidator.validate(text)).to.equal(true);
  const parser = new XMLParser({
    ignoreAttributes: true,
    parseTagValue: false,
    trimValues: false,
    processEntities: true,
    htmlEntities: true,
    isArray: (_name, jpath) => jpath === 'rows.row',
  });
  const doc = parser.parse(text) as { rows: { row?: Record<string, string>[] } };
  return doc.rows.row ?? [];
}

function hasXmllint(): boolean {
  try {
    execFileSync('xmllint', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('writers: XML', () => {
  let dir: string;
  let remove: () => Promise<void>;
  before(async () => ({ dir, remove } = await tempDir()));
  after(() => remove());

  it('writes <rows><row> with element names from headers, read back by fast-xml-parser', async () => {
    const bytes = await writeFile(new XmlWriter(), join(dir, 'data.xml'), COLUMNS, ROWS, {});
    const text = bytes.toString('utf8');
    expect(
      text.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<rows>\n<row><Name>Zoë "Z" Müller</Name>'),
    ).to.equal(true);
    expect(text.endsWith('</rows>\n')).to.equal(true);
    const rows = parseXml(text);
    expect(rows).to.have.length(ROWS.length);
    rows.forEach((row, i) => {
      expect(Object.keys(row)).to.deep.equal(NAMES);
      expect(Object.values(row)).to.deep.equal(ROWS[i]!.cells);
    });
  });

  it('escapes markup and keeps CR as a character reference; NULL is an empty element', async () => {
    const bytes = await writeFile(new XmlWriter(), join(dir, 'escape.xml'), COLUMNS, ROWS, {});
    const text = bytes.toString('utf8');
    expect(text).to.contain(
      '<Comment___quoted___with_pipe>@mention&#13;\nCRLF &amp; &lt;tag&gt; ]]&gt;</Comment___quoted___with_pipe>',
    );
    expect(text).to.contain('<row><Name/><Comment___quoted___with_pipe/><Score/>');
  });

  it('removes characters illegal in XML 1.0', async () => {
    const columns: OutputColumn[] = [{ header: 'Text', type: 'string' }];
    const rows = [{ cells: ['a\u0000b\u0007c\u000Bd\uFFFEe\uD800f😀g\u0085h'], raw: [null] }];
    const text = (await writeFile(new XmlWriter(), join(dir, 'illegal.xml'), columns, rows, {})).toString('utf8');
    expect(parseXml(text)[0]!['Text']).to.equal('abcdef😀g\u0085h');
  });

  it('applies the decimal comma to float cells only', async () => {
    const bytes = await writeFile(new XmlWriter(), join(dir, 'decimal.xml'), COLUMNS, ROWS, { decimal: 'comma' });
    parseXml(bytes.toString('utf8')).forEach((row, i) =>
      expect(Object.values(row)).to.deep.equal(decimalComma(ROWS[i]!.cells)),
    );
  });

  it('makes header names valid, unique element names', () => {
    expect(toXmlName('First name')).to.equal('First_name');
    expect(toXmlName('1st')).to.equal('_1st');
    expect(toXmlName('-x')).to.equal('_-x');
    expect(toXmlName('XmlThing')).to.equal('_XmlThing');
    expect(toXmlName('a:b/c')).to.equal('a_b_c');
    expect(toXmlName('')).to.equal('_');
    expect(toXmlName('Prénom')).to.equal('Prénom');
    expect(toXmlName('日本')).to.equal('日本');
    expect(toXmlName('a.b-c·d')).to.equal('a.b-c·d');
    expect(xmlElementNames(['Name', 'Name', 'Name_2', 'a b', 'a_b'])).to.deep.equal([
      'Name',
      'Name_3',
      'Name_2',
      'a_b',
      'a_b_2',
    ]);
  });

  it('writes documents that parse with odd and duplicate headers', async () => {
    const headers = ['1st', 'xml data', 'a:b', '', 'Name', 'Name', '<tag>&'];
    const columns: OutputColumn[] = headers.map((header) => ({ header, type: 'string' }));
    const rows = [{ cells: headers.map((_, i) => `v${i}`), raw: headers.map(() => null) }];
    const text = (await writeFile(new XmlWriter(), join(dir, 'names.xml'), columns, rows, {})).toString('utf8');
    expect(parseXml(text)[0]).to.deep.equal({
      _1st: 'v0',
      _xml_data: 'v1',
      a_b: 'v2',
      _: 'v3',
      Name: 'v4',
      Name_2: 'v5',
      _tag__: 'v6',
    });
  });

  it('writes an empty <rows> element when there are no rows', async () => {
    const text = (await writeFile(new XmlWriter(), join(dir, 'empty.xml'), COLUMNS, [], {})).toString('utf8');
    expect(text).to.equal('<?xml version="1.0" encoding="UTF-8"?>\n<rows>\n</rows>\n');
  });

  for (const [encoding, bom, label] of [
    ['ISO-8859-1', false, 'ISO-8859-1'],
    ['WINDOWS-1252', false, 'windows-1252'],
    ['UTF-16LE', true, 'UTF-16'],
    ['UTF-16LE', false, 'UTF-16LE'],
  ] as const) {
    it(`declares ${label} for ${encoding}${bom ? ' with a BOM' : ''} and decodes back`, async function () {
      const rows = ROWS.filter((r) => encoding.startsWith('UTF') || !r.cells.some((c) => /[日本€]/.test(c)));
      const path = join(dir, `enc-${encoding}-${bom}.xml`);
      const bytes = await writeFile(new XmlWriter(), path, COLUMNS, rows, { encoding, bom });
      const text = iconv.decode(bytes, encoding === 'UTF-16LE' ? 'utf16le' : encoding.toLowerCase(), {
        stripBOM: true,
      });
      expect(text.startsWith(`<?xml version="1.0" encoding="${label}"?>`)).to.equal(true);
      parseXml(text).forEach((row, i) => expect(Object.values(row)).to.deep.equal(rows[i]!.cells));
      if (hasXmllint()) execFileSync('xmllint', ['--noout', path]); // a byte-level parser reading the declaration
    });
  }

  it(`is well-formed for xmllint${hasXmllint() ? '' : ' (skipped: xmllint is not installed)'}`, async function () {
    if (!hasXmllint()) this.skip();
    const path = join(dir, 'lint.xml');
    await writeFile(new XmlWriter(), path, COLUMNS, ROWS, {});
    execFileSync('xmllint', ['--noout', path]);
  });
});
