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
  format: 'TSV',
  extension: 'tsv',
  description:
    'Tab-separated values: CSV rules (RFC 4180 quoting, CRLF line ends) with a tab as the delimiter, whatever the delimiter option says.',
  options: { formulaEscape: FILE_ACTION_OPTIONS['formulaEscape']! },
})
export class TsvWriter extends Contribution<WriterMetadata> implements Writer {
  open(output: Writable, { columns, options }: WriterOpenOptions): RowSink {
    return new DelimitedSink(output, columns, resolveFileActionOptions(options), '\t');
  }

  copyFormat({ columns, options }: WriterOpenOptions): CopyFormat | undefined {
    const resolved = resolveFileActionOptions(options);
    return delimitedCopyFormat(columns, resolved, '\t');
  }
}
