/** Rows looked at to size the columns before the first one is written. */
export const WIDTH_SAMPLE_ROWS = 100;
export const MIN_COLUMN_WIDTH = 8;
export const MAX_COLUMN_WIDTH = 60;

/** East Asian wide characters take about two columns. */
const WIDE = /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/gu;

/** Display length of text in character widths: its longest line, wide characters counted twice. */
export function displayLength(text: string): number {
  let longest = 0;
  for (const line of text.split('\n')) {
    const wide = line.match(WIDE)?.length ?? 0;
    longest = Math.max(longest, [...line].length + wide);
  }
  return longest;
}

/**
 * Column widths (in characters) from the header (bold, so a little wider) and the sampled
 * cells' texts, plus a margin, between MIN_COLUMN_WIDTH and MAX_COLUMN_WIDTH.
 */
export function columnWidths(
  headers: readonly string[] | undefined,
  sample: readonly (readonly string[])[],
  count: number,
): number[] {
  const widths: number[] = [];
  for (let i = 0; i < count; i++) {
    let width = headers ? Math.ceil(displayLength(headers[i] ?? '') * 1.1) : 0;
    for (const cells of sample) width = Math.max(width, displayLength(cells[i] ?? ''));
    widths.push(Math.min(MAX_COLUMN_WIDTH, Math.max(MIN_COLUMN_WIDTH, width + 2)));
  }
  return widths;
}
