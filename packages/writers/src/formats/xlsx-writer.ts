import type { Writable } from 'node:stream';
import type ExcelJS from 'exceljs';
import {
  Contribution,
  ExportkitError,
  writer,
  type OutputColumn,
  type OutputRow,
  type RowSink,
  type Writer,
  type WriterMetadata,
  type WriterOpenOptions,
} from '@exportkit/core';
import { waitForDrain } from '../output/drain.js';
import { removeIllegalXmlChars } from '../cells/xml-text.js';
import { columnWidths, WIDTH_SAMPLE_ROWS } from '../xlsx/column-widths.js';
import { excelDateFormat } from '../xlsx/excel-date-format.js';
import { wallClockDate } from '../xlsx/wall-clock.js';
import { resolveFileActionOptions } from '../options.js';

/** Rows of one sheet, header included (Excel's limit). */
export const XLSX_MAX_ROWS = 1_048_576;
/** Characters of one cell (Excel's limit); longer text is cut. */
export const XLSX_MAX_CELL_CHARS = 32_767;
export const XLSX_SHEET_NAME = 'Export';

/** Uncompressed sheet bytes allowed to wait for the compressor before rows are held back. */
const SHEET_BACKLOG_LIMIT = 1 << 20;
/** Rows written between two looks at the back-pressure. */
const ROWS_PER_CHECK = 64;

type CellValue = number | Date | { richText: [{ text: string }] } | null;
type Convert = (cell: string, raw: string | null) => CellValue;

/** A row too many for one sheet. */
export class XlsxRowLimitError extends ExportkitError {
  constructor() {
    super(`XLSX holds at most ${XLSX_MAX_ROWS.toLocaleString('en')} rows per sheet (header included); use CSV or NDJSON for more`);
  }
}

/** `_xHHHH_` in a text would be read as an escaped character: its `_` is escaped as `_x005F_`. */
const OOXML_ESCAPE_LIKE = /_(x[0-9A-Fa-f]{4}_)/g;

/**
 * A text cell, written as an inline string (`t="inlineStr"`, whitespace preserved; no
 * shared-strings table, which would grow with the rows). Characters XML forbids are
 * removed, CR and CRLF become LF (as any XML reader would make them), and the text is cut at
 * Excel's limit.
 */
export function xlsxText(cell: string): CellValue {
  if (cell === '') return null;
  let clean = removeIllegalXmlChars(cell);
  if (clean.includes('\r')) clean = clean.replace(/\r\n?/g, '\n');
  if (clean.length > XLSX_MAX_CELL_CHARS) clean = clean.slice(0, XLSX_MAX_CELL_CHARS);
  if (clean.includes('_x')) clean = clean.replace(OOXML_ESCAPE_LIKE, '_x005F_$1');
  return { richText: [{ text: clean }] };
}

/** How one column's values become cells: numbers and dates from the database value. */
function converter(type: OutputColumn['type']): Convert {
  switch (type) {
    case 'int':
      return (cell, raw) => {
        const n = raw === null ? NaN : Number(raw);
        return Number.isSafeInteger(n) ? n : xlsxText(cell);
      };
    case 'float':
      return (cell, raw) => {
        const n = raw === null || raw.trim() === '' ? NaN : Number(raw);
        return Number.isFinite(n) ? n : xlsxText(cell);
      };
    case 'date':
    case 'datetime':
      return (cell, raw) => (raw === null ? xlsxText(cell) : (wallClockDate(raw) ?? xlsxText(cell)));
    default:
      return (cell) => xlsxText(cell);
  }
}

/**
 * One sheet through exceljs's streaming WorkbookWriter (inline strings, no shared-strings
 * table, so memory does not grow with rows). The first WIDTH_SAMPLE_ROWS rows are held to
 * size the columns, since column widths precede the rows in the sheet XML.
 */
class XlsxSink implements RowSink {
  // Created when the first rows are in: exceljs is loaded only by exports that write XLSX.
  private workbook!: ExcelJS.stream.xlsx.WorkbookWriter;
  private sheet!: ExcelJS.Worksheet;
  private readonly convert: Convert[];
  private readonly numFmts: (string | undefined)[];
  private sample: OutputRow[] | undefined = [];
  private rows = 0;
  private failure: Error | undefined;

  constructor(
    private readonly output: Writable,
    private readonly columns: readonly OutputColumn[],
    private readonly showHeaders: boolean,
    options: Readonly<Record<string, unknown>>,
    /** Stamps the workbook (created, modified, its zip entries' dates); default: the time of writing. */
    private readonly now?: Date,
  ) {
    const dateFormat = excelDateFormat(stringOption(options, 'dateFormat'), false);
    const dateTimeFormat = excelDateFormat(stringOption(options, 'dateTimeFormat'), true);
    this.convert = columns.map((c) => converter(c.type));
    this.numFmts = columns.map((c) =>
      c.type === 'date' ? dateFormat : c.type === 'datetime' ? dateTimeFormat : c.type === 'int' ? '0' : undefined,
    );
    output.on('error', (error) => (this.failure ??= error));
    if (showHeaders) this.rows = 1;
  }

  write(row: OutputRow): void | Promise<void> {
    if (this.failure) throw this.failure;
    if (++this.rows > XLSX_MAX_ROWS) throw new XlsxRowLimitError();
    if (this.sample) {
      this.sample.push(row);
      if (this.sample.length < WIDTH_SAMPLE_ROWS) return;
      return this.start().then(() => this.throttle());
    }
    this.addRow(row);
    if (this.rows % ROWS_PER_CHECK === 0) return this.throttle();
  }

  async finish(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.sample) await this.start();
    this.sheet.commit();
    await this.workbook.commit();
    if (this.failure) throw this.failure;
  }

  /** Opens the workbook, sizes the columns from the sample, writes the header row and the held rows. */
  private async start(): Promise<void> {
    const sample = this.sample ?? [];
    this.sample = undefined;
    const { default: Excel } = await import('exceljs');
    this.workbook = new Excel.stream.xlsx.WorkbookWriter({ stream: this.output, useStyles: true, useSharedStrings: false });
    if (this.now) {
      // Written into docProps/core.xml at commit; exceljs's typings omit them from the options.
      this.workbook.created = this.now;
      this.workbook.modified = this.now;
      stampZipEntries(this.workbook, this.now);
    }
    this.sheet = this.workbook.addWorksheet(XLSX_SHEET_NAME, {
      views: this.showHeaders ? [{ state: 'frozen', xSplit: 0, ySplit: 1 }] : [],
    });
    const headers = this.columns.map((c) => c.header);
    const widths = columnWidths(this.showHeaders ? headers : undefined, sample.map((r) => r.cells), this.columns.length);
    this.sheet.columns = this.columns.map((_, i) => {
      const numFmt = this.numFmts[i];
      return numFmt ? { width: widths[i], style: { numFmt } } : { width: widths[i] };
    });
    if (this.showHeaders) {
      const header = this.sheet.addRow(headers.map((h) => xlsxText(h)));
      header.font = { name: 'Calibri', family: 2, size: 11, bold: true }; // the workbook's default font, bold
      header.commit();
    }
    for (const row of sample) this.addRow(row);
  }

  private addRow(row: OutputRow): void {
    const { convert } = this;
    const values = new Array<CellValue>(convert.length);
    for (let i = 0; i < convert.length; i++) values[i] = convert[i]!(row.cells[i] ?? '', row.raw[i] ?? null);
    this.sheet.addRow(values).commit();
  }

  /**
   * Back-pressure. exceljs writes the sheet XML into its zip without waiting: its buffer
   * ignores the `write()` result of the stream archiver compresses from, so a producer faster
   * than zlib piles up uncompressed XML there (measured: +110 MB for 100k rows of 20 random
   * texts, even when yielding every 64 rows). So every ROWS_PER_CHECK rows the sink yields to
   * the event loop, then waits while that stream holds more than SHEET_BACKLOG_LIMIT bytes or
   * while the output asks to wait.
   */
  private async throttle(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    for (;;) {
      if (this.failure) throw this.failure;
      const compressorInput = sheetCompressorInput(this.sheet);
      if (compressorInput && writableBacklog(compressorInput) > SHEET_BACKLOG_LIMIT) await waitForDrain(compressorInput);
      else if (this.output.writableNeedDrain) await waitForDrain(this.output);
      else return;
    }
  }
}

/*
 * exceljs 4.4.0 internals (the version is pinned): a streaming worksheet's `stream` is a
 * StreamBuf whose `pipes[0]` is the stream archiver reads the sheet entry from (a
 * readable-stream PassThrough, piped with back-pressure into the deflate stream). Should that
 * shape change, throttle() still yields and waits on the output, and the back-pressure test
 * with a fast output fails loudly.
 */
function sheetCompressorInput(sheet: ExcelJS.Worksheet): Writable | undefined {
  const stream = (sheet as unknown as { stream?: { pipes?: unknown[] } }).stream;
  const target = stream?.pipes?.[0];
  return target && typeof (target as Writable).write === 'function' ? (target as Writable) : undefined;
}

/*
 * exceljs 4.4.0 internals again: the WorkbookWriter's `zip` is an archiver 5 instance, which
 * dates every entry with the time it was appended — two parts already in its constructor. Its
 * queue hands each entry to `_moduleAppend` on a later turn of the event loop, so stamping the
 * run's `now` there, right after the constructor, reaches every entry and makes reruns
 * byte-identical. Should that shape change, the XLSX rerun test fails loudly.
 */
function stampZipEntries(workbook: ExcelJS.stream.xlsx.WorkbookWriter, date: Date): void {
  type ModuleAppend = (source: unknown, data: { date?: Date }, callback: () => void) => void;
  const zip = (workbook as unknown as { zip?: { _moduleAppend?: ModuleAppend } }).zip;
  const moduleAppend = zip?._moduleAppend;
  if (!zip || typeof moduleAppend !== 'function') return;
  zip._moduleAppend = (source, data, callback) => {
    data.date = date;
    moduleAppend.call(zip, source, data, callback);
  };
}

function writableBacklog(stream: Writable): number {
  const state = (stream as unknown as { _writableState?: { length?: number } })._writableState;
  return stream.writableLength ?? state?.length ?? 0;
}

function stringOption(options: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = options[name];
  return typeof value === 'string' ? value : undefined;
}

@writer({
  format: 'XLSX',
  aliases: ['XLS'],
  extension: 'xlsx',
  description:
    'Excel workbook, one sheet: bold header row, numbers as numbers, dates as dates (formatted like the template), sized columns. Always UTF-8 inside; encoding options do not apply.',
})
export class XlsxWriter extends Contribution<WriterMetadata> implements Writer {
  open(output: Writable, { columns, options, now }: WriterOpenOptions): RowSink {
    return new XlsxSink(output, columns, resolveFileActionOptions(options).showHeaders, options, now);
  }
}
