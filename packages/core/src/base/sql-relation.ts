import { Contribution } from '../di/decorators.js';
import type { Relation, RelationMetadata, SharedAggregates } from '../contributions/relation.js';
import type { QueryScope } from '../contributions/query-scope.js';
import { rawSql, type SqlFragment } from '../query/sql-fragment.js';
import { withAliases } from '../query/relation-aliases.js';

/**
 * A relation whose join clause is the `join` text of its metadata, `{alias}` standing for its
 * own alias and `{kept:KEY}` for `scope.keptRows('KEY')` (an aggregate per base row restricted
 * to the rows the export keeps); the relations it names in `dependsOn` are pulled in first. With
 * `partOf` and `aggregates` instead, it has no join of its own: its aggregates are computed by
 * the host relation `partOf`, in the same pass as those of the host's other members.
 */
export abstract class SqlRelation extends Contribution<RelationMetadata> implements Relation {
  join(alias: string, _args: Readonly<Record<string, string>>, scope: QueryScope): SqlFragment | SharedAggregates {
    const { join, dependsOn = [], name, partOf, aggregates } = this.metadata;
    if (partOf !== undefined) {
      if (aggregates === undefined) throw new Error(`relation ${name} is part of ${partOf} but declares no aggregates`);
      return {
        partOf,
        aggregates: Object.fromEntries(
          Object.entries(aggregates).map(([output, expression]) => [output, rawSql(expression)]),
        ),
      };
    }
    if (join === undefined) throw new Error(`relation ${name} declares no join and does not override join()`);
    const text = withAliases(join, dependsOn, scope)
      .replaceAll('{alias}', alias)
      .replace(/\{kept:([^}]+)\}/g, (_placeholder, key: string) => scope.keptRows(key.trim()).sql);
    return rawSql(text);
  }
}
