import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import type { CopyFormat, OutputColumn, OutputRow, RowSink } from '@exportkit/core';
import { CharacterGuard } from '../encoding/character-guard.js';
import { createEncoder } from '../encoding/encoder.js';
import { bomBytes } from '../encoding/encodings.js';
import { TextOutput } from '../output/text-output.js';
import { guardedHeaders, textCellPreparers, type PrepareCell } from '../cells/text-cells.js';
import type { Delimiter, FileActionOptions } from '../options.js';

/** The options DelimitedSink gives csv-stringify (the COPY path writes its header with them too). */
function stringifyOptionsOf(delimiter: Delimiter) {
  // csv-stringify only quotes the record delimiter itself (CRLF): a lone LF or CR must be quoted too (RFC 4180).
  return { delimiter, record_delimiter: 'windows', eof: true, quoted_match: /[\r\n]/ } as const;
}

/**
 * The COPY path's form of a CSV/TSV file: only UTF-8 (BOM or not) without formula escaping, where
 * PostgreSQL's CSV quoting is csv-stringify's (a field holding the delimiter, a quote, CR or LF).
 */
export function delimitedCopyFormat(
  columns: readonly OutputColumn[],
  options: FileActionOptions,
  delimiter: Delimiter,
): CopyFormat | undefined {
  if (options.encoding !== 'UTF-8' || options.formulaEscape) return undefined;
  const parts: Buffer[] = [];
  const bom = bomBytes(options.encoding, options.bom);
  if (bom) parts.push(bom);
  if (options.showHeaders)
    parts.push(Buffer.from(stringify([columns.map((c) => c.header)], { ...stringifyOptionsOf(delimiter) }), 'utf8'));
  return { delimiter, decimal: options.decimal, preamble: Buffer.concat(parts) };
}

/**
 * One data record as csv-stringify writes it with stringifyOptionsOf(delimiter): a non-empty
 * field holding the delimiter, a double quote, CR or LF is quoted with its quotes doubled, an
 * empty field is nothing, CRLF at the end. The same rule as the library's, without its per-call
 * work (options, casting, a record array per row), which cost ~1.4 s of CPU per CSV file of
 * 100,000 rows × 45 columns; test/writers/csv.test.ts checks it against csv-stringify itself.
 */
export function delimitedRecordWriter(delimiter: Delimiter): (cells: readonly string[]) => string {
  const quoted = new RegExp(`[${delimiter === '\t' ? '\\t' : '\\' + delimiter}"\\r\\n]`);
  return (cells) => {
    let record = '';
    for (let i = 0; i < cells.length; i++) {
      const cell = cells[i]!;
      if (i > 0) record += delimiter;
      record += quoted.test(cell) ? '"' + cell.replaceAll('"', '""') + '"' : cell;
    }
    return record + '\r\n';
  };
}

/**
 * CSV and TSV rows: RFC 4180 quoting (a field holding the delimiter, a double quote, CR or LF is
 * quoted, quotes doubled), CRLF after every record, the last one included: the header by
 * csv-stringify, the rows by delimitedRecordWriter (the same rule, faster per row).
 */
export class DelimitedSink implements RowSink {
  private readonly out: TextOutput;
  private readonly prepare: PrepareCell[];
  private readonly record: (cells: readonly string[]) => string;
  private rowNumber = 0;
  private readonly cells: string[];

  constructor(output: Writable, columns: readonly OutputColumn[], options: FileActionOptions, delimiter: Delimiter) {
    const guard = new CharacterGuard(options.encoding, options.unmappable);
    this.prepare = textCellPreparers(columns, {
      guard,
      decimal: options.decimal,
      formulaEscape: options.formulaEscape,
    });
    this.cells = new Array<string>(columns.length);
    this.record = delimitedRecordWriter(delimiter);
    this.out = new TextOutput(output, createEncoder(options.encoding));
    const bom = bomBytes(options.encoding, options.bom);
    if (bom) this.out.writeBytes(bom);
    if (options.showHeaders)
      this.out.append(stringify([guardedHeaders(columns, guard)], { ...stringifyOptionsOf(delimiter) }));
  }

  write(row: OutputRow): void | Promise<void> {
    const rowNumber = ++this.rowNumber;
    const { prepare, cells } = this;
    const source = row.cells;
    for (let i = 0; i < prepare.length; i++) cells[i] = prepare[i]!(source[i] ?? '', rowNumber);
    return this.out.push(this.record(cells));
  }

  finish(): Promise<void> {
    return this.out.end();
  }
}
