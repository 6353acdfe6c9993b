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
  /**
   * For an aggregate that shares one pass over its rows with others: the relation that computes
   * it (a host, whose `join` holds `{aggregates}` in its select list), and its aggregates by output
   * name. No join of its own: the host is joined once with every aggregate its members ask for,
   * and the member's name stands for the host's alias.
   */
  partOf?: string;
  aggregates?: Readonly<Record<string, string>>;
  dependsOn?: readonly string[];
  /** Argument names a parameterised relation takes (e.g. a custom field's guid). */
  args?: readonly string[];
}

/** Where a host relation's join clause receives the select list of its members' aggregates. */
export const AGGREGATES_PLACEHOLDER = '{aggregates}';

/**
 * What a relation renders instead of a join when its aggregates are computed by a host relation
 * (in the same GROUP BY as every other aggregate of that host the query needs).
 */
export interface SharedAggregates {
  readonly partOf: string;
  /** Output name → aggregate expression over the host's rows. */
  readonly aggregates: Readonly<Record<string, SqlFragment>>;
}

/** A named join (table or aggregate sub-query) of a provider. */
export interface Relation {
  readonly metadata: RelationMetadata;
  /**
   * Renders the join clause, or the aggregates it asks a host relation to compute. Calls
   * `scope.use()` for every relation it builds on (and uses the alias it returns), and
   * `scope.keptRows()` when it aggregates per base row (so that it aggregates only the kept rows).
   */
  join(alias: string, args: Readonly<Record<string, string>>, scope: QueryScope): SqlFragment | SharedAggregates;
}

export function isSharedAggregates(value: SqlFragment | SharedAggregates): value is SharedAggregates {
  return 'partOf' in value;
}
