import type { DecimalSeparator } from '../options.js';

/**
 * A float cell with the file's decimal separator. Only float-typed cells go through here,
 * never text; the formatter writes floats with a point (`12.5`), so the point is swapped.
 */
export function withDecimal(cell: string, decimal: DecimalSeparator): string {
  return decimal === '.' || cell.indexOf('.') < 0 ? cell : cell.replaceAll('.', decimal);
}
