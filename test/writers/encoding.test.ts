import { expect } from 'chai';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import type { OutputColumn, OutputRow, Writer } from '@exportkit/core';
import {
  CharacterGuard,
  CsvWriter,
  JsonWriter,
  NdjsonWriter,
  TsvWriter,
  UnmappableCharacterError,
  XmlWriter,
  unmappablePattern,
} from '@exportkit/writers';
import { ExportkitError } from '@exportkit/core';
import { COLUMNS, HEADERS, ROWS } from './support/sample.js';
import { tempDir, writeFile } from './support/write-file.js';

const ICONV: Record<string, string> = {
  'UTF-8': 'utf8',
  'ISO-8859-1': 'iso-8859-1',
  'WINDOWS-1252': 'windows-1252',
  'UTF-16LE': 'utf16le',
};

/** Rows an encoding can hold: the sample rows without 日本 (and without € for ISO-8859-1). */
function rowsFor(encoding: string): OutputRow[] {
  if (encoding.startsWith('UTF')) return ROWS;
  const banned = encoding === 'ISO-8859-1' ? /[日本€]/g : /[日本]/g;
  return ROWS.map((r) => ({
    cells: r.cells.map((c) => c.replace(banned, 'x')),
    raw: r.raw.map((c) => c && c.replace(banned, 'x')),
  }));
}

async function expectRejected(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('writers: encodings', () => {
  let dir: string;
  let remove: () => Promise<void>;
  before(async () => ({ dir, remove } = await tempDir()));
  after(() => remove());

  for (const encoding of ['UTF-8', 'ISO-8859-1', 'WINDOWS-1252', 'UTF-16LE'] as const) {
    for (const bom of [false, true]) {
      it(`CSV in ${encoding}${bom ? ' with bom=yes' : ''} decodes back to the same rows`, async () => {
        const rows = rowsFor(encoding);
        const bytes = await writeFile(new CsvWriter(), join(dir, `e-${encoding}-${bom}.csv`), COLUMNS, rows, {
          encoding,
          bom,
        });
        const expectedBom =
          bom && encoding === 'UTF-8' ? [0xef, 0xbb, 0xbf] : bom && encoding === 'UTF-16LE' ? [0xff, 0xfe] : [];
        expect([...bytes.subarray(0, expectedBom.length)]).to.deep.equal(expectedBom);
        if (!expectedBom.length) expect(bytes[0]).to.equal(encoding === 'UTF-16LE' ? 0x4e : 0x4e); // 'N' of Name
        const text = iconv.decode(bytes.subarray(expectedBom.length), ICONV[encoding]!);
        expect(parse(text, { delimiter: ';' })).to.deep.equal([HEADERS, ...rows.map((r) => [...r.cells])]);
      });
    }
  }

  it('writes é ß in one byte each in ISO-8859-1 and € as 0x80 in WINDOWS-1252', async () => {
    const columns: OutputColumn[] = [{ header: 'T', type: 'string' }];
    const rows = [{ cells: ['éß€'], raw: ['éß€'] }];
    const cp1252 = await writeFile(new CsvWriter(), join(dir, 'cp.csv'), columns, rows, {
      encoding: 'WINDOWS-1252',
      showHeaders: false,
    });
    expect([...cp1252]).to.deep.equal([0xe9, 0xdf, 0x80, 0x0d, 0x0a]);
    const latin = await writeFile(new CsvWriter(), join(dir, 'latin.csv'), columns, [{ cells: ['éß'], raw: ['éß'] }], {
      encoding: 'ISO-8859-1',
      showHeaders: false,
    });
    expect([...latin]).to.deep.equal([0xe9, 0xdf, 0x0d, 0x0a]);
  });

  it('fails on a character ISO-8859-1 cannot hold, naming the row and column', async () => {
    const error = await expectRejected(
      writeFile(new CsvWriter(), join(dir, 'bad.csv'), COLUMNS, ROWS, { encoding: 'ISO-8859-1' }),
    );
    expect(error).to.be.instanceOf(UnmappableCharacterError).and.instanceOf(ExportkitError);
    const e = error as UnmappableCharacterError;
    expect([e.row, e.column, e.character]).to.deep.equal([4, 'Name', '€']);
    expect(e.message).to.contain('row 4').and.contain('column "Name"').and.contain('U+20AC').and.contain('ISO-8859-1');
  });

  it('fails on 日 in WINDOWS-1252, and on a header, in every text format', async () => {
    for (const writer of [
      new CsvWriter(),
      new TsvWriter(),
      new XmlWriter(),
      new JsonWriter(),
      new NdjsonWriter(),
    ] as Writer[]) {
      const name = writer.metadata.format;
      const e = (await expectRejected(
        writeFile(writer, join(dir, `bad-${name}`), COLUMNS, ROWS, { encoding: 'WINDOWS-1252' }),
      )) as UnmappableCharacterError;
      expect(e, name).to.be.instanceOf(UnmappableCharacterError);
      expect([e.row, e.column, e.character], name).to.deep.equal([4, 'Name', '日']);
      const columns: OutputColumn[] = [{ header: 'Prénom 名', type: 'string' }];
      const h = (await expectRejected(
        writeFile(writer, join(dir, `badh-${name}`), columns, [], { encoding: 'WINDOWS-1252' }),
      )) as UnmappableCharacterError;
      expect([h.row, h.column, h.character], name).to.deep.equal([0, 'Prénom 名', '名']);
      expect(h.message, name).to.contain('header of column "Prénom 名"');
    }
  });

  it('replaces unmappable characters with ? when unmappable is replace (one ? per character)', async () => {
    const columns: OutputColumn[] = [
      { header: 'Name 名', type: 'string' },
      { header: 'n', type: 'float' },
    ];
    const rows = [{ cells: ['é € 日本 😀 ok', '1.5'], raw: ['x', '1.5'] }];
    const latin = await writeFile(new CsvWriter(), join(dir, 'rep.csv'), columns, rows, {
      encoding: 'ISO-8859-1',
      unmappable: 'replace',
      decimal: 'comma',
    });
    expect(iconv.decode(latin, 'iso-8859-1')).to.equal('Name ?;n\r\né ? ?? ? ok;1,5\r\n');
    const cp = await writeFile(new JsonWriter(), join(dir, 'rep.json'), columns, rows, {
      encoding: 'WINDOWS-1252',
      unmappable: 'replace',
    });
    expect(JSON.parse(iconv.decode(cp, 'windows-1252'))).to.deep.equal([{ 'Name ?': 'é € ?? ? ok', n: 1.5 }]);
    const xml = await writeFile(new XmlWriter(), join(dir, 'rep.xml'), columns, rows, {
      encoding: 'WINDOWS-1252',
      unmappable: 'replace',
    });
    expect(iconv.decode(xml, 'windows-1252')).to.contain('<row><Name__>é € ?? ? ok</Name__><n>1.5</n></row>');
  });

  it('knows exactly which characters the 8-bit encodings hold', () => {
    const latin = unmappablePattern('ISO-8859-1')!;
    const cp = unmappablePattern('WINDOWS-1252')!;
    for (let code = 0; code <= 0xff; code++)
      expect(latin.test(String.fromCharCode(code)), `U+${code.toString(16)}`).to.equal(false);
    expect(latin.test('\u0100')).to.equal(true);
    expect(latin.test('€')).to.equal(true);
    for (const c of '€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ') expect(cp.test(c), c).to.equal(false);
    for (const c of ['\u0081', '\u008d', '\u008f', '\u0090', '\u009d', '\u0080', 'ā', '日'])
      expect(cp.test(c), c).to.equal(true);
    expect(unmappablePattern('UTF-8')).to.equal(undefined);
    // The guard agrees with iconv-lite's own table: whatever it lets through round-trips.
    const guard = new CharacterGuard('WINDOWS-1252', 'error');
    for (let code = 0; code < 0x3000; code++) {
      const char = String.fromCharCode(code);
      let fits = true;
      try {
        guard.fit(char, 1, 'c');
      } catch {
        fits = false;
      }
      const roundTrip = iconv.decode(iconv.encode(char, 'windows-1252'), 'windows-1252') === char;
      expect(fits, `U+${code.toString(16)}`).to.equal(roundTrip);
    }
  });

  it('ignores bom for 8-bit encodings', async () => {
    const columns: OutputColumn[] = [{ header: 'T', type: 'string' }];
    const bytes = await writeFile(new CsvWriter(), join(dir, 'bom-latin.csv'), columns, [], {
      encoding: 'ISO-8859-1',
      bom: true,
    });
    expect(bytes.toString('latin1')).to.equal('T\r\n');
  });

  it('JSON and NDJSON honour the encoding and BOM', async () => {
    const bytes = await writeFile(new NdjsonWriter(), join(dir, 'u16.ndjson'), COLUMNS, ROWS, {
      encoding: 'UTF-16LE',
      bom: true,
    });
    expect([...bytes.subarray(0, 2)]).to.deep.equal([0xff, 0xfe]);
    const lines = iconv.decode(bytes, 'utf16le', { stripBOM: true }).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l)['Name'])).to.deep.equal(ROWS.map((r) => r.cells[0] || null));
  });
});
