import type { OutputColumn, OutputRow } from '@exportkit/core';

/** Columns of every type, with a header full of characters that need care. */
export const COLUMNS: OutputColumn[] = [
  { header: 'Name', type: 'string' },
  { header: 'Comment; "quoted", with|pipe', type: 'longtext' },
  { header: 'Score', type: 'float' },
  { header: 'Count', type: 'int' },
  { header: 'Day', type: 'date' },
  { header: 'Seen at', type: 'datetime' },
  { header: 'Status', type: 'enum' },
  { header: 'Time spent', type: 'duration' },
];

/** The template's formats the cells below were formatted with (XLSX derives its number formats). */
export const DATE_OPTIONS = { dateFormat: 'DD/MM/YYYY', dateTimeFormat: 'DD/MM/YYYY hh:ii' };

function row(cells: string[], raw: (string | null)[]): OutputRow {
  return { cells, raw };
}

/** Awkward rows: quotes, delimiters, line breaks, formulas, non-ASCII, NULLs, negative numbers. */
export const ROWS: OutputRow[] = [
  row(
    [
      'Zoë "Z" Müller',
      'line 1\nline 2; a,b|c\tend',
      '12.5',
      '42',
      '05/03/2024',
      '05/03/2024 14:30',
      'completed',
      '01:25',
    ],
    [
      'Zoë "Z" Müller',
      'line 1\nline 2; a,b|c\tend',
      '12.5',
      '42',
      '2024-03-05',
      '2024-03-05 14:30:00',
      'completed',
      '5100',
    ],
  ),
  row(
    ["=cmd|' /C calc'!A0", '+SUM(A1)', '-3.25', '-7', '31/12/1999', '31/12/1999 23:59', 'incomplete', '00:00'],
    ["=cmd|' /C calc'!A0", '+SUM(A1)', '-3.25', '-7', '1999-12-31', '1999-12-31 23:59:00', 'incomplete', '0'],
  ),
  row(['', '', '', '', '', '', '', ''], [null, null, null, null, null, null, null, null]),
  row(
    ['é € ß 日本', '@mention\r\nCRLF & <tag> ]]>', '0.5', '0', '01/01/2024', '01/01/2024 00:00', '', '-00:30'],
    ['é € ß 日本', '@mention\r\nCRLF & <tag> ]]>', '0.5', '0', '2024-01-01', '2024-01-01 00:00:00', null, '-1800'],
  ),
  row(
    ['-tab\tinside', '  spaces kept  ', '1234567.89', '2147483648', '29/02/2024', '29/02/2024 09:05', 'v1.2', '100:00'],
    [
      '-tab\tinside',
      '  spaces kept  ',
      '1234567.89',
      '2147483648',
      '2024-02-29',
      '2024-02-29 09:05:00',
      'v1.2',
      '360000',
    ],
  ),
];

export const HEADERS = COLUMNS.map((c) => c.header);

/** Cells as a text format writes them with formulaEscape on (numbers untouched). */
export function formulaEscaped(cells: readonly string[]): string[] {
  return cells.map((cell, i) => {
    const type = COLUMNS[i]!.type;
    return type !== 'int' && type !== 'float' && /^[=+\-@\t\r]/.test(cell) ? "'" + cell : cell;
  });
}

/** Cells with a decimal comma in float columns only. */
export function decimalComma(cells: readonly string[]): string[] {
  return cells.map((cell, i) => (COLUMNS[i]!.type === 'float' ? cell.replace('.', ',') : cell));
}
