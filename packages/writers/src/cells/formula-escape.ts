/** First characters a spreadsheet reads as the start of a formula (CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Neutralises a text cell a spreadsheet would run as a formula by prefixing a single quote
 * (`=cmd` → `'=cmd`). Applied by CSV/TSV to cells of non-numeric columns only, so negative
 * numbers stay numbers.
 */
export function escapeFormula(cell: string): string {
  return FORMULA_START.test(cell) ? "'" + cell : cell;
}
