import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import type { OutputColumn, OutputRow, RowSink } from '@exportkit/core';
import { CharacterGuard } from '../encoding/character-guard.js';
import { createEncoder } from '../encoding/encoder.js';
import { bomBytes } from '../encoding/encodings.js';
import { TextOutput } from '../output/text-output.js';
import { guardedHeaders, textCellPreparers, type PrepareCell } from '../cells/text-cells.js';
import type { Delimiter, FileActionOptions } from '../options.js';

/**
 * CSV and TSV rows: RFC 4180 quoting by csv-stringify (a field holding the delimiter, a
 * double quote, CR or LF is quoted, quotes doubled), CRLF after every record, the last one
 * included. csv-stringify's sync function is called once per row: measured as fast as its
 * stream API here and it lets every text format share one back-pressure path (TextOutput).
 */
export class DelimitedSink implements RowSink {
  private readonly out: TextOutput;
  private readonly prepare: PrepareCell[];
  private readonly stringifyOptions: { delimiter: Delimiter; record_delimiter: 'windows'; eof: true; quoted_match: RegExp };
  private rowNumber = 0;
  private readonly cells: string[];

  constructor(output: Writable, columns: readonly OutputColumn[], options: FileActionOptions, delimiter: Delimiter) {
    const guard = new CharacterGuard(options.encoding, options.unmappable);
    this.prepare = textCellPreparers(columns, { guard, decimal: options.decimal, formulaEscape: options.formulaEscape });
    this.cells = new Array<string>(columns.length);
    // csv-stringify only quotes the record delimiter itself (CRLF): a lone LF or CR must be quoted too (RFC 4180).
    this.stringifyOptions = { delimiter, record_delimiter: 'windows', eof: true, quoted_match: /[\r\n]/ };
    this.out = new TextOutput(output, createEncoder(options.encoding));
    const bom = bomBytes(options.encoding, options.bom);
    if (bom) this.out.writeBytes(bom);
    if (options.showHeaders) this.out.append(stringify([guardedHeaders(columns, guard)], this.stringifyOptions));
  }

  write(row: OutputRow): void | Promise<void> {
    const rowNumber = ++this.rowNumber;
    const { prepare, cells } = this;
    const source = row.cells;
    for (let i = 0; i < prepare.length; i++) cells[i] = prepare[i]!(source[i] ?? '', rowNumber);
    return this.out.push(stringify([cells], this.stringifyOptions));
  }

  finish(): Promise<void> {
    return this.out.end();
  }
}
