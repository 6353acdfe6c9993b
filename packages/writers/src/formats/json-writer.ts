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
import { JSON_ARRAY, JsonSink } from './json-sink.js';

@writer({
  format: 'JSON',
  extension: 'json',
  description:
    'One JSON array of objects keyed by header: numbers as numbers, NULL as null, other values as their formatted text.',
})
export class JsonWriter extends Contribution<WriterMetadata> implements Writer {
  open(output: Writable, { columns, options }: WriterOpenOptions): RowSink {
    return new JsonSink(output, columns, resolveFileActionOptions(options), JSON_ARRAY);
  }
}
