import { expect } from 'chai';
import { join } from 'node:path';
import type { OutputColumn } from '@exportkit/core';
import { JsonWriter, NdjsonWriter } from '@exportkit/writers';
import { COLUMNS, HEADERS, ROWS } from './support/sample.js';
import { tempDir, writeFile } from './support/write-file.js';

/** What each sample row becomes: numbers from the database value, NULL as null, else text. */
const EXPECTED = ROWS.map((row) =>
  Object.fromEntries(
    HEADERS.map((header, i) => {
      const type = COLUMNS[i]!.type;
      const raw = row.raw[i] ?? null;
      const cell = row.cells[i]!;
      if (raw === null && cell === '') return [header, null];
      if (type === 'int' || type === 'float') return [header, Number(raw)];
      return [header, cell];
    }),
  ),
);

describe('writers: JSON and NDJSON', () => {
  let dir: string;
  let remove: () => Promise<void>;
  before(async () => ({ dir, remove } = await tempDir()));
  after(() => remove());

  it('writes one array of objects keyed by header, read back by JSON.parse', async () => {
    const bytes = await writeFile(new JsonWriter(), join(dir, 'data.json'), COLUMNS, ROWS, { decimal: 'comma' });
    const parsed = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>[];
    expect(parsed).to.deep.equal(EXPECTED);
    expect(parsed[0]!['Score']).to.equal(12.5);
    expect(parsed[0]!['Count']).to.equal(42);
    expect(parsed[0]!['Day']).to.equal('05/03/2024');
    expect(parsed[2]).to.deep.equal(Object.fromEntries(HEADERS.map((h) => [h, null])));
    expect(parsed[3]!['Status']).to.equal(null);
    expect(parsed[4]!['Count']).to.equal(2147483648);
  });

  it('writes [] for no rows', async () => {
    const bytes = await writeFile(new JsonWriter(), join(dir, 'empty.json'), COLUMNS, [], {});
    expect(JSON.parse(bytes.toString('utf8'))).to.deep.equal([]);
  });

  it('writes one object per line in NDJSON', async () => {
    const bytes = await writeFile(new NdjsonWriter(), join(dir, 'data.ndjson'), COLUMNS, ROWS, {});
    const text = bytes.toString('utf8');
    expect(text.endsWith('}\n')).to.equal(true);
    const lines = text.split('\n').slice(0, -1);
    expect(lines).to.have.length(ROWS.length);
    expect(lines.map((line) => JSON.parse(line))).to.deep.equal(EXPECTED);
  });

  it('writes the same row objects into JSON and NDJSON of one export, each file with its own columns', async () => {
    // The JSON writers share each row's object text when their configuration is the same: one
    // typing a column otherwise (text, not number) must not get the other's text.
    const columns: OutputColumn[] = [
      { header: 'mark', type: 'string' },
      { header: 'n', type: 'int' },
    ];
    const asText: OutputColumn[] = [columns[0]!, { header: 'n', type: 'string' }];
    const rows = [1, 2, 3].map((n) => ({ cells: [`✓${n}`, String(n)], raw: [`✓${n}`, String(n)] }));
    const json = await writeFile(new JsonWriter(), join(dir, 'same-rows.json'), columns, rows, {});
    const ndjson = await writeFile(new NdjsonWriter(), join(dir, 'same-rows.ndjson'), columns, rows, {});
    const text = await writeFile(new NdjsonWriter(), join(dir, 'same-rows-text.ndjson'), asText, rows, {});
    const lines = (bytes: Buffer) =>
      bytes
        .toString('utf8')
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as unknown);
    const expected = rows.map((_, i) => ({ mark: `✓${i + 1}`, n: i + 1 }));
    expect(JSON.parse(json.toString('utf8'))).to.deep.equal(expected);
    expect(lines(ndjson)).to.deep.equal(expected);
    expect(lines(text)).to.deep.equal(rows.map((_, i) => ({ mark: `✓${i + 1}`, n: String(i + 1) })));
  });

  it('keeps text of numbers the database gave as non-numbers, computed values, and duplicate headers', async () => {
    const columns: OutputColumn[] = [
      { header: 'n', type: 'float' },
      { header: 'n', type: 'string' },
      { header: 'computed', type: 'string' },
      { header: 'big', type: 'int' },
    ];
    const rows = [
      {
        cells: ['NaN', 'x', 'from a template', '12345678901234567890'],
        raw: ['NaN', 'x', null, '12345678901234567890'],
      },
    ];
    const text = (await writeFile(new NdjsonWriter(), join(dir, 'odd.ndjson'), columns, rows, {})).toString('utf8');
    expect(text).to.equal('{"n":"NaN","n_2":"x","computed":"from a template","big":12345678901234567890}\n');
  });

  it('escapes control characters and lone surrogates as JSON does', async () => {
    const columns: OutputColumn[] = [{ header: 'text\u0001', type: 'string' }];
    const rows = [{ cells: ['tab\tnl\nq"bs\\\u0000\uD800'], raw: ['x'] }];
    const bytes = await writeFile(new JsonWriter(), join(dir, 'escape.json'), columns, rows, {});
    expect(JSON.parse(bytes.toString('utf8'))).to.deep.equal([{ 'text\u0001': 'tab\tnl\nq"bs\\\u0000\uD800' }]);
  });
});
