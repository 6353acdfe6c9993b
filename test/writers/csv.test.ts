import { expect } from 'chai';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { CsvWriter, TsvWriter } from '@exportkit/writers';
import { COLUMNS, HEADERS, ROWS, decimalComma, formulaEscaped } from './support/sample.js';
import { tempDir, writeFile } from './support/write-file.js';

describe('writers: CSV and TSV', () => {
  let dir: string;
  let remove: () => Promise<void>;
  before(async () => ({ dir, remove } = await tempDir()));
  after(() => remove());

  const cells = ROWS.map((r) => [...r.cells]);

  function read(bytes: Buffer, delimiter: string): string[][] {
    return parse(bytes.toString('utf8'), { delimiter, record_delimiter: '\r\n', relax_quotes: false }) as string[][];
  }

  it('writes RFC 4180 CSV with a semicolon by default, read back identically by csv-parse', async () => {
    const bytes = await writeFile(new CsvWriter(), join(dir, 'default.csv'), COLUMNS, ROWS, {});
    expect(read(bytes, ';')).to.deep.equal([HEADERS, ...cells]);
    const text = bytes.toString('utf8');
    expect(text.startsWith('Name;"Comment; ""quoted"", with|pipe";Score')).to.equal(true);
    expect(text.endsWith('\r\n')).to.equal(true);
    expect(text.split('\r\n')).to.have.length.greaterThan(ROWS.length);
  });

  it('quotes a field holding a lone LF or CR, so that readers splitting records on any line break keep the row whole', async () => {
    const columns = [
      { header: 'chapters', type: 'longtext' as const },
      { header: 'n', type: 'int' as const },
    ];
    const rows = [
      { cells: ['1. One\n2. Two', '1'], raw: ['1. One\n2. Two', '1'] },
      { cells: ['a\rb', '2'], raw: ['a\rb', '2'] },
    ];
    for (const writer of [new CsvWriter(), new TsvWriter()]) {
      const bytes = await writeFile(writer, join(dir, `breaks-${writer.metadata.format}.txt`), columns, rows, {});
      const text = bytes.toString('utf8');
      expect(text).to.contain('"1. One\n2. Two"');
      expect(text).to.contain('"a\rb"');
      // A strict reader that treats LF, CR and CRLF alike as record ends still sees 3 records.
      const strict = parse(text, {
        delimiter: writer.metadata.format === 'CSV' ? ';' : '\t',
        record_delimiter: ['\r\n', '\n', '\r'],
      }) as string[][];
      expect(strict).to.deep.equal([
        ['chapters', 'n'],
        ['1. One\n2. Two', '1'],
        ['a\rb', '2'],
      ]);
    }
  });

  for (const [word, char] of [
    ['comma', ','],
    ['pipe', '|'],
    ['semicolon', ';'],
    ['tabulation', '\t'],
  ] as const) {
    it(`honours delimiter ${word}`, async () => {
      const bytes = await writeFile(new CsvWriter(), join(dir, `d-${word}.csv`), COLUMNS, ROWS, { delimiter: word });
      expect(read(bytes, char)).to.deep.equal([HEADERS, ...cells]);
    });

    it(`writes every record byte for byte as csv-stringify does, delimiter ${word}`, async () => {
      // Fields built from the characters that decide quoting, and others, in every order.
      const alphabet = ['a', 'é', ' ', ',', ';', '|', '\t', '"', '""', '\r', '\n', '\r\n', "'", '=', '1.5'];
      let seed = 7;
      const next = (n: number) => (((seed = (seed * 1103515245 + 12345) % 2147483648) % n) + n) % n;
      const field = () => Array.from({ length: next(5) }, () => alphabet[next(alphabet.length)]!).join('');
      const columns = [1, 2, 3].map((n) => ({ header: `c${n}`, type: 'string' as const }));
      const rows = Array.from({ length: 400 }, () => {
        const row = columns.map(field);
        return { cells: row, raw: row };
      });
      const bytes = await writeFile(new CsvWriter(), join(dir, `same-${word}.csv`), columns, rows, { delimiter: word });
      const options = { delimiter: char, record_delimiter: 'windows', eof: true, quoted_match: /[\r\n]/ } as const;
      const expected = stringify([columns.map((c) => c.header), ...rows.map((r) => r.cells)], options);
      expect(bytes.toString('utf8')).to.equal(expected);
    });
  }

  it('omits the header row when showHeaders is no', async () => {
    const bytes = await writeFile(new CsvWriter(), join(dir, 'noheader.csv'), COLUMNS, ROWS, { showHeaders: false });
    expect(read(bytes, ';')).to.deep.equal(cells);
  });

  it('writes float cells (only) with a decimal comma, quoted when the delimiter is a comma', async () => {
    const bytes = await writeFile(new CsvWriter(), join(dir, 'decimal.csv'), COLUMNS, ROWS, {
      decimal: 'comma',
      delimiter: 'comma',
    });
    const rows = read(bytes, ',');
    expect(rows.slice(1)).to.deep.equal(cells.map(decimalComma));
    expect(rows.map((r) => r[2])).to.deep.equal(['Score', '12,5', '-3,25', '', '0,5', '1234567,89']);
    expect(rows[5]![6]).to.equal('v1.2'); // text is never touched
    expect(bytes.toString('utf8')).to.contain(',"12,5",');
  });

  it('neutralises formulas in non-numeric cells when formulaEscape is yes', async () => {
    const bytes = await writeFile(new CsvWriter(), join(dir, 'formula.csv'), COLUMNS, ROWS, { formulaEscape: true });
    const rows = read(bytes, ';');
    expect(rows[0]).to.deep.equal(HEADERS);
    expect(rows.slice(1)).to.deep.equal(cells.map(formulaEscaped));
    expect(rows[2]![0]).to.equal("'=cmd|' /C calc'!A0");
    expect(rows[2]![1]).to.equal("'+SUM(A1)");
    expect(rows[2]![2]).to.equal('-3.25'); // float untouched
    expect(rows[2]![3]).to.equal('-7'); // int untouched
    expect(rows[4]![1]).to.match(/^'@mention/);
    expect(rows[4]![7]).to.equal("'-00:30"); // a duration is text
    expect(rows[5]![0]).to.equal("'-tab\tinside");
  });

  it('leaves formulas alone by default', async () => {
    const bytes = await writeFile(new CsvWriter(), join(dir, 'noformula.csv'), COLUMNS, ROWS, {});
    expect(read(bytes, ';')[2]![0]).to.equal("=cmd|' /C calc'!A0");
  });

  it('writes TSV with tabs whatever the delimiter option, quoting cells holding a tab', async () => {
    const bytes = await writeFile(new TsvWriter(), join(dir, 'data.tsv'), COLUMNS, ROWS, { delimiter: 'comma' });
    expect(read(bytes, '\t')).to.deep.equal([HEADERS, ...cells]);
    const lines = bytes.toString('utf8').split('\r\n');
    expect(lines[0]).to.equal(HEADERS.map((h) => (h.includes('"') ? `"${h.replaceAll('"', '""')}"` : h)).join('\t'));
    expect(bytes.toString('utf8')).to.contain('"-tab\tinside"');
  });

  it('writes TSV with formula escaping and decimal comma', async () => {
    const bytes = await writeFile(new TsvWriter(), join(dir, 'opts.tsv'), COLUMNS, ROWS, {
      formulaEscape: 'yes',
      decimal: 'comma',
    });
    expect(read(bytes, '\t').slice(1)).to.deep.equal(cells.map((c) => formulaEscaped(decimalComma(c))));
  });

  it('writes only the header row when there are no rows, and an empty file without headers', async () => {
    const bytes = await writeFile(new CsvWriter(), join(dir, 'empty.csv'), COLUMNS, [], {});
    expect(read(bytes, ';')).to.deep.equal([HEADERS]);
    const none = await writeFile(new CsvWriter(), join(dir, 'none.csv'), COLUMNS, [], { showHeaders: 'no' });
    expect(none.length).to.equal(0);
  });
});
