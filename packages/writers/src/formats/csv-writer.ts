import type { Writable } from 'node:stream';
import {
  Contribution,
  writer,
  type CopyFormat,
  type RowSink,
  type Writer,
  type WriterMetadata,
  type WriterOpenOptions,
} from '@exportkit/core';
import { FILE_ACTION_OPTIONS, resolveFileActionOptions } from '../options.js';
import { DelimitedSink, delimitedCopyFormat } from './delimited-sink.js';

@writer({
  format: 'CSV',
  extension: 'csv',
  description:
    'Comma-separated values (RFC 4180): fields quoted when they hold the delimiter, a quote or a line break; CRLF line ends; header row unless showHeaders is no.',
  options: { delimiter: FILE_ACTION_OPTIONS['delimiter']!, formulaEscape: FILE_ACTION_OPTIONS['formulaEscape']! },
})
export class CsvWriter extends Contribution<WriterMetadata> implements Writer {
  open(output: Writable, { columns, options }: WriterOpenOptions): RowSink {
    const resolved = resolveFileActionOptions(options);
    return new DelimitedSink(output, columns, resolved, resolved.delimiter);
  }

  copyFormat({ columns, options }: WriterOpenOptions): CopyFormat | undefined {
    const resolved = resolveFileActionOptions(options);
    return delimitedCopyFormat(columns, resolved, resolved.delimiter);
  }
}
