import { Contribution } from '../di/decorators.js';
import type { Relation, RelationMetadata } from '../contributions/relation.js';
import type { QueryScope } from '../contributions/query-scope.js';
import { rawSql, type SqlFragment } from '../query/sql-fragment.js';

/**
 * A relation whose join clause is the `join` text of its metadata, `{alias}` standing for its
 * own alias and `{kept:KEY}` for `scope.keptRows('KEY')` (an aggregate per base row restricted
 * to the rows the export keeps); the relations it names in `dependsOn` are pulled in first.
 */
export abstract class SqlRelation extends Contribution<RelationMetadata> implements Relation {
  join(alias: string, _args: Readonly<Record<string, string>>, scope: QueryScope): SqlFragment {
    const { join, dependsOn = [], name } = this.metadata;
    if (join === undefined) throw new Error(`relation ${name} declares no join and does not override join()`);
    for (const dependency of dependsOn) scope.use(dependency);
    const text = join
      .replaceAll('{alias}', alias)
      .replace(/\{kept:([^}]+)\}/g, (_placeholder, key: string) => scope.keptRows(key.trim()).sql);
    return rawSql(text);
  }
}
