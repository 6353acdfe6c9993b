import { joinSql, sql, type SqlFragment } from '@exportkit/core';

/**
 * The SQL twin of an enum column's `format`: each raw value whose key has a text becomes that
 * text (bound, never spliced), any other value stays as it is, NULL stays NULL.
 */
export function enumMapSql(
  value: SqlFragment,
  keys: Readonly<Record<string, string>>,
  texts: Readonly<Record<string, string>>,
): SqlFragment {
  const whens: SqlFragment[] = [];
  for (const [raw, key] of Object.entries(keys)) {
    const text = texts[key];
    if (text !== undefined) whens.push(sql`WHEN ${raw}::text THEN ${text}::text`);
  }
  if (whens.length === 0) return value;
  return sql`CASE (${value})::text ${joinSql(whens, ' ')} ELSE (${value})::text END`;
}

/** JavaScript's String.prototype.trim in SQL: the same white space (Unicode White_Space and BOM). */
const JS_WHITE_SPACE = '[\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]';

export function jsTrimSql(value: SqlFragment): SqlFragment {
  return sql`regexp_replace(${value}, ${`^${JS_WHITE_SPACE}+|${JS_WHITE_SPACE}+$`}::text, '', 'g')`;
}
