import type { Writable } from 'node:stream';
import {
  Contribution,
  writer,
  type OutputColumn,
  type OutputRow,
  type RowSink,
  type Writer,
  type WriterMetadata,
  type WriterOpenOptions,
} from '@exportkit/core';
import { createEncoder } from '../encoding/encoder.js';
import { bomBytes } from '../encoding/encodings.js';
import { TextOutput } from '../output/text-output.js';
import { resolveFileActionOptions, type FileActionOptions } from '../options.js';
import { JsonRowWriter } from './json-row.js';

/** Newline-delimited JSON: one object per line, each line ended by LF. */
class NdjsonSink implements RowSink {
  private readonly out: TextOutput;
  private readonly rows: JsonRowWriter;
  private rowNumber = 0;

  constructor(output: Writable, columns: readonly OutputColumn[], options: FileActionOptions) {
    this.rows = new JsonRowWriter(columns, options);
    this.out = new TextOutput(output, createEncoder(options.encoding));
    const bom = bomBytes(options.encoding, options.bom);
    if (bom) this.out.writeBytes(bom);
  }

  write(row: OutputRow): void | Promise<void> {
    const rowNumber = ++this.rowNumber;
    return this.out.push(this.rows.objectText(row, rowNumber) + '\n');
  }

  finish(): Promise<void> {
    return this.out.end();
  }
}

@writer({
  format: 'NDJSON',
  extension: 'ndjson',
  description: 'Newline-delimited JSON: one object per line, keyed by header, typed as in JSON.',
})
export class NdjsonWriter extends Contribution<WriterMetadata> implements Writer {
  open(output: Writable, { columns, options }: WriterOpenOptions): RowSink {
    return new NdjsonSink(output, columns, resolveFileActionOptions(options));
  }
}
