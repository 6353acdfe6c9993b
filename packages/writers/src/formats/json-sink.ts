import type { Writable } from 'node:stream';
import type { OutputColumn, OutputRow, RowSink } from '@exportkit/core';
import { createEncoder } from '../encoding/encoder.js';
import { bomBytes } from '../encoding/encodings.js';
import { TextOutput } from '../output/text-output.js';
import type { FileActionOptions } from '../options.js';
import { JsonRowWriter } from './json-row.js';

/** How JSON objects are framed in a file: a JSON array, or one object per line. */
export interface JsonFraming {
  start: string;
  /** Text before each object (the first, then the others). */
  before(first: boolean): string;
  after: string;
  end(empty: boolean): string;
}

export const JSON_ARRAY: JsonFraming = {
  start: '[',
  before: (first) => (first ? '\n' : ',\n'),
  after: '',
  end: (empty) => (empty ? ']\n' : '\n]\n'),
};

export const NEWLINE_DELIMITED: JsonFraming = { start: '', before: () => '', after: '\n', end: () => '' };

/** Streams rows as JSON objects keyed by header, framed as the format wants. */
export class JsonSink implements RowSink {
  private readonly out: TextOutput;
  private readonly rows: JsonRowWriter;
  private rowNumber = 0;

  constructor(
    output: Writable,
    columns: readonly OutputColumn[],
    options: FileActionOptions,
    private readonly framing: JsonFraming,
  ) {
    this.rows = new JsonRowWriter(columns, options);
    this.out = new TextOutput(output, createEncoder(options.encoding));
    const bom = bomBytes(options.encoding, options.bom);
    if (bom) this.out.writeBytes(bom);
    if (framing.start) this.out.append(framing.start);
  }

  write(row: OutputRow): void | Promise<void> {
    const rowNumber = ++this.rowNumber;
    return this.out.push(
      this.framing.before(rowNumber === 1) + this.rows.objectText(row, rowNumber) + this.framing.after,
    );
  }

  finish(): Promise<void> {
    return this.out.end(this.framing.end(this.rowNumber === 0));
  }
}
