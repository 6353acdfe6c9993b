import { expect } from 'chai';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import type { OutputColumn } from '@exportkit/core';
import { XlsxWriter, excelDateFormat, wallClockDate } from '@exportkit/writers';
import { COLUMNS, DATE_OPTIONS, HEADERS, ROWS } from './support/sample.js';
import { tempDir, writeFile } from './support/write-file.js';

function findSoffice(): string | undefined {
  for (const name of ['soffice', 'libreoffice']) {
    try {
      execFileSync(name, ['--version'], { stdio: 'ignore', timeout: 60_000 });
      return name;
    } catch {
      // not there
    }
  }
  return undefined;
}

async function readSheet(path: string): Promise<ExcelJS.Worksheet> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path);
  expect(workbook.worksheets).to.have.length(1);
  return workbook.worksheets[0]!;
}

/** Cell values as a reader sees them: strings (inline rich text joined), numbers, Dates or null. */
function values(row: ExcelJS.Row, count: number): unknown[] {
  return Array.from({ length: count }, (_, i) => {
    const value = row.getCell(i + 1).value ?? null;
    if (value && typeof value === 'object' && 'richText' in value)
      return value.richText.map((run) => run.text).join('');
    return value;
  });
}

/** What each sample row's cells hold: numbers and wall-clock dates from the database values. */
const EXPECTED = ROWS.map((row) =>
  COLUMNS.map((column, i) => {
    const raw = row.raw[i] ?? null;
    const cell = row.cells[i]!;
    if (cell === '' && raw === null) return null;
    switch (column.type) {
      case 'int':
      case 'float':
        return Number(raw);
      case 'date':
      case 'datetime': {
        const [y, m, d, hh, mi, ss] = raw!.split(/[- :]/).map(Number);
        return new Date(Date.UTC(y!, m! - 1, d!, hh ?? 0, mi ?? 0, ss ?? 0));
      }
      default:
        return cell.replace(/\r\n?/g, '\n');
    }
  }),
);

describe('writers: XLSX', function () {
  let dir: string;
  let remove: () => Promise<void>;
  before(async () => ({ dir, remove } = await tempDir()));
  after(() => remove());

  it('writes one sheet with a bold header, numbers as numbers and dates as dates, read back by exceljs', async () => {
    const path = join(dir, 'data.xlsx');
    const bytes = await writeFile(new XlsxWriter(), path, COLUMNS, ROWS, DATE_OPTIONS);
    expect(bytes.subarray(0, 2).toString('latin1')).to.equal('PK');
    const sheet = await readSheet(path);
    expect(sheet.rowCount).to.equal(ROWS.length + 1);
    const header = sheet.getRow(1);
    expect(values(header, COLUMNS.length)).to.deep.equal(HEADERS);
    for (let i = 1; i <= COLUMNS.length; i++) expect(header.getCell(i).font?.bold, `header ${i} bold`).to.equal(true);
    ROWS.forEach((_, r) =>
      expect(values(sheet.getRow(r + 2), COLUMNS.length), `row ${r + 1}`).to.deep.equal(EXPECTED[r]),
    );

    const first = sheet.getRow(2);
    expect(first.getCell(3).type).to.equal(ExcelJS.ValueType.Number);
    expect(first.getCell(4).type).to.equal(ExcelJS.ValueType.Number);
    expect(first.getCell(5).type).to.equal(ExcelJS.ValueType.Date);
    expect(first.getCell(6).type).to.equal(ExcelJS.ValueType.Date);
    expect(first.getCell(5).numFmt).to.equal('dd/mm/yyyy');
    expect(first.getCell(6).numFmt).to.equal('dd/mm/yyyy hh:mm');
    expect(first.getCell(1).font?.bold ?? false).to.equal(false);
    // Text is an inline string; a formula-looking text is never a formula.
    expect(first.getCell(1).type).to.equal(ExcelJS.ValueType.RichText);
    expect(sheet.getRow(3).getCell(1).type).to.equal(ExcelJS.ValueType.RichText);
    expect(sheet.getRow(3).getCell(1).formula).to.equal(undefined);
  });

  it('sizes columns from the header and the first rows, within bounds', async () => {
    const path = join(dir, 'widths.xlsx');
    const columns: OutputColumn[] = [
      { header: 'A', type: 'string' },
      { header: 'A rather long header for a column', type: 'string' },
      { header: 'Long', type: 'longtext' },
    ];
    const rows = [{ cells: ['x', 'short', 'y'.repeat(500)], raw: [null, null, null] }];
    await writeFile(new XlsxWriter(), path, columns, rows, {});
    const sheet = await readSheet(path);
    const widths = [1, 2, 3].map((i) => sheet.getColumn(i).width);
    expect(widths[0]).to.equal(8);
    expect(widths[1]).to.be.within(35, 45);
    expect(widths[2]).to.equal(60);
  });

  it('writes no header row when showHeaders is no, and uses default date formats', async () => {
    const path = join(dir, 'noheader.xlsx');
    await writeFile(new XlsxWriter(), path, COLUMNS, ROWS.slice(0, 2), { showHeaders: false });
    const sheet = await readSheet(path);
    expect(sheet.rowCount).to.equal(2);
    expect(values(sheet.getRow(1), COLUMNS.length)).to.deep.equal(EXPECTED[0]);
    expect(sheet.getRow(1).getCell(5).numFmt).to.equal('yyyy-mm-dd');
    expect(sheet.getRow(1).getCell(6).numFmt).to.equal('yyyy-mm-dd hh:mm:ss');
  });

  it('writes values it cannot type as text: unsafe integers, dates before 1900-03-01, odd text', async () => {
    const path = join(dir, 'fallback.xlsx');
    const columns: OutputColumn[] = [
      { header: 'big', type: 'int' },
      { header: 'old', type: 'date' },
      { header: 'bad', type: 'datetime' },
      { header: 'text', type: 'string' },
    ];
    const rows = [
      {
        cells: ['12345678901234567890', '01/01/1850', 'soon', 'a\u0000b\uFFFF _x0041_'],
        raw: ['12345678901234567890', '1850-01-01', 'soon', 'x'],
      },
    ];
    await writeFile(new XlsxWriter(), path, columns, rows, {});
    const sheet = await readSheet(path);
    expect(values(sheet.getRow(2), 4)).to.deep.equal(['12345678901234567890', '01/01/1850', 'soon', 'ab _x0041_']);
  });

  it('writes a valid workbook with no rows', async () => {
    const path = join(dir, 'empty.xlsx');
    await writeFile(new XlsxWriter(), path, COLUMNS, [], {});
    const sheet = await readSheet(path);
    expect(values(sheet.getRow(1), COLUMNS.length)).to.deep.equal(HEADERS);
  });

  it('turns template date patterns into Excel number formats', () => {
    expect(excelDateFormat(undefined, false)).to.equal('yyyy-mm-dd');
    expect(excelDateFormat(undefined, true)).to.equal('yyyy-mm-dd hh:mm:ss');
    expect(excelDateFormat('DD/MM/YYYY', false)).to.equal('dd/mm/yyyy');
    expect(excelDateFormat('DD.MM.YY', false)).to.equal('dd"."mm"."yy');
    expect(excelDateFormat('YYYY-MM-DD hh', false)).to.equal('yyyy-mm-dd" hh"');
    expect(excelDateFormat('YYYY-MM-DDTHH:II:SS', true)).to.equal('yyyy-mm-dd"T"hh:mm:ss');
    expect(excelDateFormat('DD "de" MM', false)).to.equal('dd" "\\""de"\\"" "mm');
  });

  it('reads wall-clock dates without any time zone shift', () => {
    expect(wallClockDate('2024-03-05')?.toISOString()).to.equal('2024-03-05T00:00:00.000Z');
    expect(wallClockDate('2024-03-31 02:30:00')?.toISOString()).to.equal('2024-03-31T02:30:00.000Z');
    expect(wallClockDate('2024-02-30')).to.equal(undefined);
    expect(wallClockDate('1900-02-28')).to.equal(undefined);
    expect(wallClockDate('1900-03-01')?.toISOString()).to.equal('1900-03-01T00:00:00.000Z');
  });

  const soffice = findSoffice();
  it(`opens in LibreOffice: same cells shown, numbers and dates typed, header bold${soffice ? '' : ' (skipped: LibreOffice (soffice) is not installed)'}`, async function () {
    if (!soffice) this.skip();
    this.timeout(180_000);
    const path = join(dir, 'lo.xlsx');
    await writeFile(new XlsxWriter(), path, COLUMNS, ROWS, DATE_OPTIONS);
    const outDir = join(dir, 'lo-out');
    execFileSync(
      soffice!,
      [
        `-env:UserInstallation=file://${join(dir, 'lo-profile')}`,
        '--headless',
        '--convert-to',
        'csv:Text - txt - csv (StarCalc):44,34,76,1',
        '--outdir',
        outDir,
        path,
      ],
      { stdio: 'pipe', timeout: 170_000 },
    );
    expect(await readdir(outDir)).to.deep.equal(['lo.csv']);
    const shown = parse(await readFile(join(outDir, 'lo.csv'), 'utf8')) as string[][];
    const expected = [HEADERS, ...ROWS.map((r) => r.cells.map((c) => c.replace(/\r\n?/g, '\n')))];
    expect(shown).to.deep.equal(expected);

    // The same file as LibreOffice's flat XML: cell types, wall-clock dates, bold header.
    execFileSync(
      soffice!,
      [
        `-env:UserInstallation=file://${join(dir, 'lo-profile')}`,
        '--headless',
        '--convert-to',
        'fods',
        '--outdir',
        outDir,
        path,
      ],
      { stdio: 'pipe', timeout: 170_000 },
    );
    const fods = await readFile(join(outDir, 'lo.fods'), 'utf8');
    const dataRows = [...fods.matchAll(/<table:table-row[^>]*>([\s\S]*?)<\/table:table-row>/g)].map((m) => m[1]!);
    const firstData = dataRows[1]!;
    expect(firstData).to.match(/office:value-type="float" office:value="12.5"/);
    expect(firstData).to.match(/office:value-type="float" office:value="42"/);
    expect(firstData).to.match(/office:value-type="date" office:date-value="2024-03-05(T00:00:00)?"/);
    expect(firstData).to.contain('office:value-type="date" office:date-value="2024-03-05T14:30:00"');
    expect(dataRows[2]!).to.contain('office:value-type="string"'); // =cmd... stays text
    expect(dataRows[2]!).not.to.contain('table:formula');
    const headerStyle = /table:style-name="([^"]+)"/.exec(
      dataRows[0]!.slice(dataRows[0]!.indexOf('<table:table-cell')),
    )![1];
    const style = new RegExp(`<style:style style:name="${headerStyle}"[\\s\\S]*?</style:style>`).exec(fods)![0];
    expect(style).to.contain('fo:font-weight="bold"');
  });
});
