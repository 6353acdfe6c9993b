import type { QueryScope } from '../contributions/query-scope.js';

/**
 * SQL text that names relations by their names (`trackingCounts.started`), with each relation
 * marked as used and its name replaced by the alias the composer gave it: usually the same, but a
 * relation whose aggregates a host computes is reached through the host's alias.
 */
export function withAliases(text: string, relations: readonly string[], scope: QueryScope): string {
  let result = text;
  for (const relation of relations) {
    const alias = scope.use(relation);
    if (alias === relation) continue;
    // A qualified name only: not the tail of a longer identifier, of another qualified name or of a quoted one.
    const qualified = new RegExp(`(?<![\\w."$])${relation.replace(/[$]/g, '\\$&')}\\.`, 'g');
    result = result.replace(qualified, `${alias}.`);
  }
  return result;
}
