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

/** `[`, one object per line separated by commas, `]`: one JSON array, streamed. */
class JsonArraySink implements RowSink {
  private readonly out: TextOutput;
  private readonly rows: JsonRowWriter;
  private rowNumber = 0;

  constructor(output: Writable, columns: readonly OutputColumn[], options: FileActionOptions) {
    this.rows = new JsonRowWriter(columns, options);
    this.out = new TextOutput(output, createEncoder(options.encoding));
    const bom = bomBytes(options.encoding, options.bom);
    if (bom) this.out.writeBytes(bom);
    this.out.append('[');
  }

  write(row: OutputRow): void | Promise<void> {
    const rowNumber = ++this.rowNumber;
    return this.out.push((rowNumber === 1 ? '\n' : ',\n') + this.rows.objectText(row, rowNumber));
  }

  finish(): Promise<void> {
    return this.out.end(this.rowNumber === 0 ? ']\n' : '\n]\n');
  }
}

@writer({
  format: 'JSON',
  extension: 'json',
  description:
    'One JSON array of objects keyed by header: numbers as numbers, NULL as null, other values as their formatted text.',
})
export class JsonWriter extends Contribution<WriterMetadata> implements Writer {
  open(output: Writable, { columns, options }: WriterOpenOptions): RowSink {
    return new JsonArraySink(output, columns, resolveFileActionOptions(options));
  }
}
