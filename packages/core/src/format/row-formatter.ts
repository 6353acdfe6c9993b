import type { Column, ColumnUse, RowView } from '../contributions/column.js';
import type { OutputRow } from '../contributions/writer.js';
import type { FormatContext } from './format-context.js';
import type { FormattingSettings } from './create-format-context.js';
import { typeFormatters, type TypeFormatter } from './type-formatters.js';
import { cropTo, stripHtml } from './cell-options.js';

/**
 * Turns fetched rows (canonical text per select slot) into output rows: each column's
 * formatter (its own or its type's), then the cell options (stripHTML, then maxLength).
 * Columns without SQL (templates) are formatted after the others, from their texts.
 */
export function createRowFormatter(
  columns: ReadonlyArray<{ column: Column; use: ColumnUse }>,
  slots: ReadonlyArray<number | undefined>,
  context: FormatContext,
  settings: FormattingSettings,
): (fetched: ReadonlyArray<string | null>) => OutputRow {
  const plans = columns.map(({ column, use }, index) => {
    const own = column.format?.bind(column);
    const byType: TypeFormatter = typeFormatters[column.metadata.type];
    return { slot: slots[index], own, byType, use };
  });
  const first = plans.map((p, i) => (p.slot !== undefined ? i : -1)).filter((i) => i >= 0);
  const later = plans.map((p, i) => (p.slot === undefined ? i : -1)).filter((i) => i >= 0);
  const { maxLength } = settings;
  const strip = settings.stripHtml;
  const finish = (text: string) => {
    let out = strip ? stripHtml(text) : text;
    if (maxLength !== undefined) out = cropTo(out, maxLength);
    return out;
  };

  return (fetched) => {
    const cells: string[] = new Array(plans.length);
    const raw: (string | null)[] = new Array(plans.length);
    const view: RowView = { formatted: (i) => cells[i] ?? '' };
    for (const i of first) {
      const plan = plans[i]!;
      const value = fetched[plan.slot!] ?? null;
      raw[i] = value;
      const text = plan.own
        ? plan.own(value, context, view, plan.use)
        : value === null
          ? ''
          : plan.byType(value, context);
      cells[i] = finish(text);
    }
    for (const i of later) {
      const plan = plans[i]!;
      raw[i] = null;
      cells[i] = finish(plan.own ? plan.own(null, context, view, plan.use) : '');
      raw[i] = cells[i]!;
    }
    return { cells, raw };
  };
}
