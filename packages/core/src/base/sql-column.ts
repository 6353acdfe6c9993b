import { Contribution } from '../di/decorators.js';
import type { Column, ColumnMetadata, ColumnUse } from '../contributions/column.js';
import type { QueryScope } from '../contributions/query-scope.js';
import { rawSql, type SqlFragment } from '../query/sql-fragment.js';
import { withAliases } from '../query/relation-aliases.js';

/**
 * A column whose value is the `sql` expression of its metadata over the relations it
 * declares (named by their names; the composer's aliases are put in): most columns are this,
 * declared with a decorator and no code.
 */
export abstract class SqlColumn extends Contribution<ColumnMetadata> implements Column {
  select(_use: ColumnUse, scope: QueryScope): SqlFragment | undefined {
    const { sql, relations = [], name } = this.metadata;
    if (sql === undefined) throw new Error(`column ${name} declares no sql and does not override select()`);
    return rawSql(withAliases(sql, relations, scope));
  }
}
