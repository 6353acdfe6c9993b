import { pluginModule } from '@exportkit/core';
import { CsvWriter } from './formats/csv-writer.js';
import { TsvWriter } from './formats/tsv-writer.js';
import { XmlWriter } from './formats/xml-writer.js';
import { XlsxWriter } from './formats/xlsx-writer.js';
import { JsonWriter } from './formats/json-writer.js';
import { NdjsonWriter } from './formats/ndjson-writer.js';
import { PIPELINE_STEP_CLASSES } from './pipeline-steps.js';

export { CsvWriter } from './formats/csv-writer.js';
export { TsvWriter } from './formats/tsv-writer.js';
export { DelimitedSink } from './formats/delimited-sink.js';
export { XmlWriter, xmlElementNames, xmlEncodingLabel } from './formats/xml-writer.js';
export {
  XlsxWriter,
  XlsxRowLimitError,
  xlsxText,
  XLSX_MAX_ROWS,
  XLSX_MAX_CELL_CHARS,
  XLSX_SHEET_NAME,
} from './formats/xlsx-writer.js';
export { JsonWriter } from './formats/json-writer.js';
export { NdjsonWriter } from './formats/ndjson-writer.js';
export { JsonRowWriter } from './formats/json-row.js';
export * from './options.js';
export { encodingInfo, bomBytes, type EncodingInfo } from './encoding/encodings.js';
export { createEncoder, type Encode } from './encoding/encoder.js';
export { unmappablePattern } from './encoding/repertoire.js';
export { CharacterGuard, REPLACEMENT_CHARACTER } from './encoding/character-guard.js';
export { UnmappableCharacterError } from './encoding/unmappable-error.js';
export { TextOutput } from './output/text-output.js';
export { waitForDrain } from './output/drain.js';
export { withDecimal } from './cells/decimal.js';
export { escapeFormula } from './cells/formula-escape.js';
export { escapeXmlText, removeIllegalXmlChars } from './cells/xml-text.js';
export { toXmlName } from './cells/xml-name.js';
export { uniqueNames } from './cells/unique-names.js';
export { isJsonNumber } from './cells/json-number.js';
export { textCellPreparers, guardedHeaders, type PrepareCell, type TextCellRules } from './cells/text-cells.js';
export { excelDateFormat, DEFAULT_EXCEL_DATE_FORMAT, DEFAULT_EXCEL_DATETIME_FORMAT } from './xlsx/excel-date-format.js';
export { wallClockDate } from './xlsx/wall-clock.js';
export { columnWidths, displayLength } from './xlsx/column-widths.js';

/** The writers this package contributes, in the order they are documented. */
export const WRITERS = [CsvWriter, TsvWriter, XmlWriter, XlsxWriter, JsonWriter, NdjsonWriter] as const;

export * from './pipeline-steps.js';

export default pluginModule([...WRITERS, ...PIPELINE_STEP_CLASSES]);
export { writeArchive, ARCHIVE_EXTENSIONS, type ArchiveEntry, type ArchiveType } from './packaging/write-archive.js';
export { writeZipFromDeflated, type DeflatedEntry } from './packaging/zip-from-deflated.js';
export { DeflatingFileOutput, type DeflatedCopy } from './output/deflating-file-output.js';
