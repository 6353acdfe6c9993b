import type { ComposedQuery } from './composer.js';

/**
 * The first `limit` rows of a composed statement (a preview), in the statement's own order:
 * it is wrapped, so its columns, slots and bindings stay as they are. `limit` is a positive
 * integer checked here, written into the text (it is no user text, and both placeholder styles
 * keep their numbering).
 */
export function limitQuery(query: ComposedQuery, limit: number): ComposedQuery {
  if (!Number.isSafeInteger(limit) || limit < 1)
    throw new RangeError(`a row limit is a positive integer, got ${limit}`);
  const wrap = (sql: string) => `SELECT * FROM (${sql}) AS exportkit_preview LIMIT ${limit}`;
  return { ...query, sql: wrap(query.sql), native: { ...query.native, sql: wrap(query.native.sql) } };
}
