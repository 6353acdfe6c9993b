/** A piece of SQL with `?` placeholders and the values bound to them, in order. */
export interface SqlFragment {
  readonly sql: string;
  readonly bindings: readonly unknown[];
}

/**
 * Tagged template that turns interpolated values into `?` bindings and splices nested
 * fragments: sql`learner.entity_id = ANY(${ids})`. Values are never spliced into the text.
 */
export function sql(strings: TemplateStringsArray, ...values: unknown[]): SqlFragment {
  let text = strings[0]!;
  const bindings: unknown[] = [];
  values.forEach((value, i) => {
    if (isFragment(value)) {
      text += value.sql;
      bindings.push(...value.bindings);
    } else {
      text += '?';
      bindings.push(value);
    }
    text += strings[i + 1]!;
  });
  return { sql: text, bindings };
}

/** SQL text with no bindings: only for text written in source code, never for input. */
export function rawSql(text: string): SqlFragment {
  return { sql: text, bindings: [] };
}

export function joinSql(parts: readonly SqlFragment[], separator: string): SqlFragment {
  return { sql: parts.map((p) => p.sql).join(separator), bindings: parts.flatMap((p) => p.bindings) };
}

export function isFragment(value: unknown): value is SqlFragment {
  return typeof value === 'object' && value !== null && 'sql' in value && 'bindings' in value;
}
