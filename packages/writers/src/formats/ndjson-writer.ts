import type { Writable } from 'node:stream';
import {
  Contribution,
  writer,
  type RowSink,
  type Writer,
  type WriterMetadata,
  type WriterOpenOptions,
} from '@exportkit/core';
import { resolveFileActionOptions } from '../options.js';
import { JsonSink, NEWLINE_DELIMITED } from './json-sink.js';

@writer({
  format: 'NDJSON',
  extension: 'ndjson',
  description: 'Newline-delimited JSON: one object per line, keyed by header, typed as in JSON.',
})
export class NdjsonWriter extends Contribution<WriterMetadata> implements Writer {
  open(output: Writable, { columns, options }: WriterOpenOptions): RowSink {
    return new JsonSink(output, columns, resolveFileActionOptions(options), NEWLINE_DELIMITED);
  }
}
