import { Contribution } from '../di/decorators.js';
import type { Parameter, ParameterMetadata } from '../contributions/parameter.js';
import type { QueryScope } from '../contributions/query-scope.js';
import type { SqlFragment } from '../query/sql-fragment.js';

/**
 * A filter parameter: `condition` receives the parsed value only when it is set (its default
 * included), and returns a WHERE condition (values as bindings: the `sql` tagged template),
 * reaching other tables through `scope.use()`.
 */
export abstract class FilterParameter<T> extends Contribution<ParameterMetadata> implements Parameter {
  where(value: unknown, scope: QueryScope): SqlFragment | undefined {
    if (value === undefined || value === null) return undefined;
    return this.condition(value as T, scope);
  }

  protected abstract condition(value: T, scope: QueryScope): SqlFragment | undefined;
}

/** A yes/no filter that keeps only the rows where `onlyWhenYes` holds when yes; no adds nothing. */
export abstract class OnlyWhenYesParameter extends FilterParameter<boolean> {
  protected condition(value: boolean, scope: QueryScope): SqlFragment | undefined {
    return value ? this.onlyWhenYes(scope) : undefined;
  }

  protected abstract onlyWhenYes(scope: QueryScope): SqlFragment;
}
