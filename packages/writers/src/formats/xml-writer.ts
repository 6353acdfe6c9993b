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
import { CharacterGuard } from '../encoding/character-guard.js';
import { createEncoder } from '../encoding/encoder.js';
import { bomBytes } from '../encoding/encodings.js';
import { TextOutput } from '../output/text-output.js';
import { textCellPreparers, type PrepareCell } from '../cells/text-cells.js';
import { escapeXmlText } from '../cells/xml-text.js';
import { toXmlName } from '../cells/xml-name.js';
import { uniqueNames } from '../cells/unique-names.js';
import { resolveFileActionOptions, type FileActionOptions, type FileEncoding } from '../options.js';

/** The encoding name the XML declaration gives. */
export function xmlEncodingLabel(encoding: FileEncoding, bom: boolean): string {
  switch (encoding) {
    case 'WINDOWS-1252':
      return 'windows-1252';
    case 'UTF-16LE':
      // With a BOM the document is "UTF-16" (the BOM gives the byte order); a document
      // labelled UTF-16LE must not start with one (RFC 2781).
      return bom ? 'UTF-16' : 'UTF-16LE';
    default:
      return encoding;
  }
}

/** Element names for the headers: see toXmlName and uniqueNames. */
export function xmlElementNames(headers: readonly string[]): string[] {
  return uniqueNames(headers.map(toXmlName));
}

/**
 * `<?xml ...?>`, then `<rows>`, one `<row>` per line holding one element per column, and
 * `</rows>`. Values are element text: escaped, characters illegal in XML 1.0 removed, an
 * empty value (NULL) is an empty element `<Name/>`.
 */
class XmlSink implements RowSink {
  private readonly out: TextOutput;
  private readonly prepare: PrepareCell[];
  private readonly open: string[];
  private readonly close: string[];
  private readonly empty: string[];
  private rowNumber = 0;

  constructor(output: Writable, columns: readonly OutputColumn[], options: FileActionOptions) {
    const guard = new CharacterGuard(options.encoding, options.unmappable);
    this.prepare = textCellPreparers(columns, { guard, decimal: options.decimal, formulaEscape: false });
    // Headers are checked first, so that with `replace` the `?` becomes `_` in the name.
    const names = xmlElementNames(columns.map((c) => guard.fit(c.header, 0, c.header)));
    this.open = names.map((n) => `<${n}>`);
    this.close = names.map((n) => `</${n}>`);
    this.empty = names.map((n) => `<${n}/>`);
    this.out = new TextOutput(output, createEncoder(options.encoding));
    const bom = bomBytes(options.encoding, options.bom);
    if (bom) this.out.writeBytes(bom);
    this.out.append(`<?xml version="1.0" encoding="${xmlEncodingLabel(options.encoding, options.bom)}"?>\n<rows>\n`);
  }

  write(row: OutputRow): void | Promise<void> {
    const rowNumber = ++this.rowNumber;
    const source = row.cells;
    let xml = '<row>';
    for (let i = 0; i < this.prepare.length; i++) {
      const text = escapeXmlText(this.prepare[i]!(source[i] ?? '', rowNumber));
      xml += text === '' ? this.empty[i] : this.open[i] + text + this.close[i];
    }
    return this.out.push(xml + '</row>\n');
  }

  finish(): Promise<void> {
    return this.out.end('</rows>\n');
  }
}

@writer({
  format: 'XML',
  extension: 'xml',
  description:
    'XML document <rows><row><Header>value</Header>...</row></rows>; headers made into valid element names, values escaped, declared encoding.',
})
export class XmlWriter extends Contribution<WriterMetadata> implements Writer {
  open(output: Writable, { columns, options }: WriterOpenOptions): RowSink {
    return new XmlSink(output, columns, resolveFileActionOptions(options));
  }
}
