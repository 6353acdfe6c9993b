import {
  Contribution,
  column,
  sql,
  type Column,
  type ColumnCheckContext,
  type ColumnMetadata,
  type ColumnUse,
  type FormatContext,
  type QueryScope,
  type RowView,
  type SqlFragment,
} from '@exportkit/core';
import { Param, PROVIDER } from '../names.js';

@column({
  provider: PROVIDER,
  name: 'constantValue',
  type: 'string',
  description: "The element's text, the same on every row, e.g. `<constantValue>ACME</constantValue>`.",
  value: 'optional',
})
export class ConstantValueColumn extends Contribution<ColumnMetadata> implements Column {
  select(use: ColumnUse, _scope: QueryScope): SqlFragment {
    return sql`${use.spec.value ?? ''}::text`;
  }
}

const PLACEHOLDER = /\{(\d+)\}/g;

@column({
  provider: PROVIDER,
  name: 'templatedValue',
  type: 'string',
  description:
    'The template of the templates parameter named by the attribute templateId, with every {i} replaced by the ' +
    'formatted value of the i-th column of the export (counting from 0), e.g. `<templatedValue templateId="1"/>` ' +
    'with `<templates><template id="1">{1} {2}</template></templates>`.',
  value: 'none',
  attributes: ['templateId'],
  parameters: [Param.templates],
})
export class TemplatedValueColumn extends Contribution<ColumnMetadata> implements Column {
  /** Computed from the other cells of the row: no SQL. */
  select(): undefined {
    return undefined;
  }

  check(use: ColumnUse, context: ColumnCheckContext): string[] {
    const id = use.spec.attributes['templateId'];
    if (id === undefined || id.trim() === '') return ['templatedValue needs a templateId attribute'];
    const templates = context.param<Map<string, string> | undefined>(Param.templates);
    if (!templates?.has(id.trim())) {
      const known =
        templates && templates.size ? `; known ids: ${[...templates.keys()].join(', ')}` : '; templates defines none';
      return [`templatedValue names template ${id}, which the templates parameter does not define${known}`];
    }
    const messages: string[] = [];
    for (const match of templates.get(id.trim())!.matchAll(PLACEHOLDER)) {
      const index = Number(match[1]);
      if (index === use.index)
        messages.push(`template ${id} refers to {${match[1]}}, the templatedValue column itself`);
      else if (index >= context.columnCount) {
        messages.push(
          `template ${id} refers to {${match[1]}}, but the export has ${context.columnCount} column(s); allowed: {0} to {${context.columnCount - 1}}`,
        );
      }
    }
    return messages;
  }

  format(_raw: string | null, context: FormatContext, row: RowView, use?: ColumnUse): string {
    const id = use?.spec.attributes['templateId']?.trim();
    const template =
      id === undefined ? undefined : context.param<Map<string, string> | undefined>(Param.templates)?.get(id);
    if (template === undefined) return '';
    return template.replace(PLACEHOLDER, (_m, index: string) => {
      try {
        return row.formatted(Number(index));
      } catch {
        return '';
      }
    });
  }
}

export const otherColumns = [ConstantValueColumn, TemplatedValueColumn];
