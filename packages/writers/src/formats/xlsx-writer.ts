import { PassThrough, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { ZipArchive } from 'archiver';
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
import { TextOutput } from '../output/text-output.js';
import { createEncoder } from '../encoding/encoder.js';
import { columnWidths, WIDTH_SAMPLE_ROWS } from '../xlsx/column-widths.js';
import { excelDateFormat } from '../xlsx/excel-date-format.js';
import { cellWriters, headerRowXml, sheetHead, SHEET_TAIL } from '../xlsx/sheet-xml.js';
import { SHEET_PART, workbookParts } from '../xlsx/workbook-parts.js';
import { resolveFileActionOptions } from '../options.js';

export { xlsxText, XLSX_MAX_CELL_CHARS } from '../xlsx/sheet-xml.js';

/** Rows of one sheet, header included (Excel's limit). */
export const XLSX_MAX_ROWS = 1_048_576;
export const XLSX_SHEET_NAME = 'Export';

/** Uncompressed sheet bytes allowed to wait for the compressor before the writer asks to wait. */
const SHEET_BACKLOG_BYTES = 256 * 1024;

/** A row too many for one sheet. */
export class XlsxRowLimitError extends ExportkitError {
  constructor() {
    super(
      `XLSX holds at most ${XLSX_MAX_ROWS.toLocaleString('en')} rows per sheet (header included); use CSV or NDJSON for more`,
    );
  }
}

/**
 * One sheet, its XML written here as text (a function per column chosen once, inline strings,
 * a fixed style table) into a zip written by archiver, whose deflate runs on libuv's thread
 * pool beside the row loop. The first WIDTH_SAMPLE_ROWS rows are held to size the columns,
 * since column widths precede the rows in the sheet XML.
 */
class XlsxSink implements RowSink {
  private readonly cells: ReturnType<typeof cellWriters>;
  /** archiver is loaded on the first workbook (its import costs ~0.15 s of every start-up otherwise). */
  private readonly archive: Promise<ZipArchive>;
  /** The sheet entry's content: written here, read by archiver when it reaches the entry. */
  private readonly sheet = new PassThrough({ highWaterMark: SHEET_BACKLOG_BYTES });
  /** The sheet XML, encoded into chunks as it is made (TextOutput). */
  private readonly out = new TextOutput(this.sheet, createEncoder('UTF-8'));
  private readonly closed: Promise<void>;
  private readonly failed: Promise<never>;
  private sample: OutputRow[] | undefined = [];
  private rows = 0;
  private failure: Error | undefined;

  constructor(
    private readonly output: Writable,
    private readonly columns: readonly OutputColumn[],
    private readonly showHeaders: boolean,
    options: Readonly<Record<string, unknown>>,
    /** Stamps the workbook (created, modified, its zip entries' dates); default: the time of writing. */
    now?: Date,
  ) {
    this.cells = cellWriters(columns);
    const date = now ?? new Date();
    let fail!: (error: Error) => void;
    this.failed = new Promise<never>((_, reject) => {
      fail = (error: Error) => {
        this.failure ??= error;
        reject(this.failure);
      };
    });
    this.failed.catch(() => undefined);
    output.on('error', fail);
    this.closed = finished(output);
    this.closed.catch(() => undefined);
    const parts = workbookParts({
      sheetName: XLSX_SHEET_NAME,
      dateFormat: excelDateFormat(stringOption(options, 'dateFormat'), false),
      dateTimeFormat: excelDateFormat(stringOption(options, 'dateTimeFormat'), true),
      now: date,
    });
    // Rows wait meanwhile: the sheet stream asks them to once SHEET_BACKLOG_BYTES are waiting.
    this.archive = import('archiver').then(({ ZipArchive }) => {
      const archive = new ZipArchive({ zlib: { level: 1 } });
      archive.on('error', fail);
      archive.on('warning', fail);
      archive.pipe(output);
      for (const part of parts) archive.append(part.content, { name: part.name, date });
      archive.append(this.sheet, { name: SHEET_PART, date });
      return archive;
    });
    this.archive.catch(fail);
    if (showHeaders) this.rows = 1;
  }

  write(row: OutputRow): void | Promise<void> {
    if (this.failure) throw this.failure;
    if (++this.rows > XLSX_MAX_ROWS) throw new XlsxRowLimitError();
    if (this.sample) {
      this.sample.push(row);
      if (this.sample.length < WIDTH_SAMPLE_ROWS) return;
      this.start();
      return this.flush();
    }
    return this.whileAlive(this.out.push(this.rowXml(row, this.rows)));
  }

  async finish(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.sample) this.start();
    this.out.append(SHEET_TAIL);
    await this.flush();
    this.sheet.end();
    let archive: ZipArchive | undefined;
    try {
      archive = await Promise.race([this.archive, this.failed]);
      await Promise.race([archive.finalize(), this.failed]);
      await Promise.race([this.closed, this.failed]);
    } catch (error) {
      archive?.abort();
      this.output.destroy();
      throw error;
    }
  }

  /** The sheet's head (widths from the sample), the header row and the held rows. */
  private start(): void {
    const sample = this.sample ?? [];
    this.sample = undefined;
    const headers = this.columns.map((c) => c.header);
    const widths = columnWidths(
      this.showHeaders ? headers : undefined,
      sample.map((r) => r.cells),
      this.columns.length,
    );
    this.out.append(sheetHead(this.columns, widths, this.showHeaders));
    if (this.showHeaders) this.out.append(headerRowXml(headers));
    let r = this.showHeaders ? 1 : 0;
    for (const row of sample) this.out.append(this.rowXml(row, ++r));
  }

  private rowXml(row: OutputRow, r: number): string {
    const { cells } = this;
    let xml = `<row r="${r}">`;
    for (let i = 0; i < cells.length; i++) xml += cells[i]!(row.cells[i] ?? '', row.raw[i] ?? null, r);
    return `${xml}</row>`;
  }

  /** Hands the gathered XML to the compressor; a promise while it is behind (back-pressure). */
  private flush(): void | Promise<void> {
    return this.whileAlive(this.out.flush());
  }

  /** A wait for the compressor that ends early when the workbook fails. */
  private whileAlive(wait: void | Promise<void>): void | Promise<void> {
    if (wait) return Promise.race([wait, this.failed]);
  }
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
