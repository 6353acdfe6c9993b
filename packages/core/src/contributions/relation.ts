import type { QueryScope } from './query-scope.js';
import type { SqlFragment } from '../query/sql-fragment.js';

export interface RelationMetadata {
  provider: string;
  name: string;
  description: string;
  /**
   * The join clause, with `{alias}` for this relation's alias; other relations are named by
   * their own names (they are pulled in through `dependsOn`). An aggregate per base row writes
   * `{kept:KEY}` in its WHERE (KEY: its column holding the base row's id) to aggregate only the
   * rows the export keeps (see `QueryScope.keptRows`). Omit it and override `join()` for
   * relations that need arguments or bindings.
   */
  join?: string;
  dependsOn?: readonly string[];
  /** Argument names a parameterised relation takes (e.g. a custom field's guid). */
  args?: readonly string[];
}

/** A named join (table or aggregate sub-query) of a provider. */
export interface Relation {
  readonly metadata: RelationMetadata;
  /**
   * Renders the join clause. Calls `scope.use()` for every relation it builds on, and
   * `scope.keptRows()` when it aggregates per base row (so that it aggregates only the kept rows).
   */
  join(alias: string, args: Readonly<Record<string, string>>, scope: QueryScope): SqlFragment;
}
