import type { OutputColumn } from '@exportkit/core';
import { removeIllegalXmlChars } from '../cells/xml-text.js';
import { wallClockDate } from './wall-clock.js';
import { STYLE } from './workbook-parts.js';

/*
 * The sheet's XML, written as text: one function per column chosen once, a string per row.
 * Text cells are inline strings (no shared-strings table, which would grow with the rows), as
 * one run (`<is><r><t>`, as exceljs wrote them: readers then decode `_xHHHH_` escapes alike);
 * numbers and dates are numeric cells styled by index into the precomputed cellXfs.
 */

/** Characters of one cell (Excel's limit); longer text is cut. */
export const XLSX_MAX_CELL_CHARS = 32_767;

/** `_xHHHH_` in a text would be read as an escaped character: its `_` is escaped as `_x005F_`. */
const OOXML_ESCAPE_LIKE = /_(x[0-9A-Fa-f]{4}_)/g;
const NEEDS_ESCAPE = /[&<>]/;
const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
/** Excel's serial day of 1970-01-01 (day 1 is 1900-01-01, with the phantom 1900-02-29). */
const UNIX_EPOCH_SERIAL = 25_569;
const MS_PER_DAY = 86_400_000;

/**
 * The text a cell holds: characters XML forbids removed, CR and CRLF as LF (as any XML reader
 * would make them), cut at Excel's limit, a literal `_xHHHH_` escaped; `undefined` when empty.
 */
export function xlsxText(cell: string): string | undefined {
  if (cell === '') return undefined;
  let clean = removeIllegalXmlChars(cell);
  if (clean.includes('\r')) clean = clean.replace(/\r\n?/g, '\n');
  if (clean.length > XLSX_MAX_CELL_CHARS) clean = clean.slice(0, XLSX_MAX_CELL_CHARS);
  if (clean.includes('_x')) clean = clean.replace(OOXML_ESCAPE_LIKE, '_x005F_$1');
  return clean === '' ? undefined : clean;
}

/** The letters of a 0-based column index: A…Z, AA… */
export function columnLetters(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26))
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

/** One cell's XML for row `r` (`''` for an empty cell, which is left out). */
type CellXml = (cell: string, raw: string | null, r: number) => string;

function textCell(ref: string, style: number): CellXml {
  const open = `<c r="${ref}`;
  const close = `"${style ? ` s="${style}"` : ''} t="inlineStr"><is><r><t xml:space="preserve">`;
  return (cell, _raw, r) => {
    const text = xlsxText(cell);
    if (text === undefined) return '';
    return `${open}${r}${close}${NEEDS_ESCAPE.test(text) ? text.replace(/[&<>]/g, (c) => ESCAPES[c]!) : text}</t></r></is></c>`;
  };
}

function numberCell(ref: string, style: number, fallback: CellXml, read: (raw: string) => number | undefined): CellXml {
  const open = `<c r="${ref}`;
  const close = `"${style ? ` s="${style}"` : ''}><v>`;
  return (cell, raw, r) => {
    const value = raw === null ? undefined : read(raw);
    return value === undefined ? fallback(cell, raw, r) : `${open}${r}${close}${value}</v></c>`;
  };
}

/** How each column's values become cells: numbers and dates from the database value, the rest text. */
export function cellWriters(columns: readonly OutputColumn[]): CellXml[] {
  return columns.map((column, i) => {
    const ref = columnLetters(i);
    const text = textCell(ref, STYLE.text);
    switch (column.type) {
      case 'int':
        return numberCell(ref, STYLE.int, text, (raw) => {
          const n = Number(raw);
          return Number.isSafeInteger(n) && raw.trim() !== '' ? n : undefined;
        });
      case 'float':
        return numberCell(ref, STYLE.text, text, (raw) => {
          const n = Number(raw);
          return Number.isFinite(n) && raw.trim() !== '' ? n : undefined;
        });
      case 'date':
      case 'datetime':
        return numberCell(ref, column.type === 'date' ? STYLE.date : STYLE.datetime, text, (raw) => {
          const date = wallClockDate(raw);
          return date === undefined ? undefined : date.getTime() / MS_PER_DAY + UNIX_EPOCH_SERIAL;
        });
      default:
        return text;
    }
  });
}

/** The header row: texts in bold, the row itself styled bold too (as readers report a row's font). */
export function headerRowXml(headers: readonly string[]): string {
  const cells = headers.map((header, i) => textCell(columnLetters(i), STYLE.header)(header, null, 1)).join('');
  return `<row r="1" s="${STYLE.header}" customFormat="1">${cells}</row>`;
}

/** Everything before the first row: the frozen header pane and the column widths (and default styles). */
export function sheetHead(columns: readonly OutputColumn[], widths: readonly number[], frozenHeader: boolean): string {
  const view = frozenHeader
    ? '<sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView>'
    : '<sheetView workbookViewId="0"/>';
  const cols = columns
    .map((column, i) => {
      const style =
        column.type === 'int'
          ? STYLE.int
          : column.type === 'date'
            ? STYLE.date
            : column.type === 'datetime'
              ? STYLE.datetime
              : 0;
      return `<col min="${i + 1}" max="${i + 1}" width="${widths[i]}" customWidth="1"${style ? ` style="${style}"` : ''}/>`;
    })
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
    `<sheetViews>${view}</sheetViews><sheetFormatPr defaultRowHeight="15"/>${cols ? `<cols>${cols}</cols>` : ''}<sheetData>`
  );
}

export const SHEET_TAIL =
  '</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>';
