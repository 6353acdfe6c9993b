import { Contribution, type Parameter, type ParameterMetadata, type QueryScope, type SqlFragment } from '@exportkit/core';

/** A filter parameter: `condition` receives the value only when it is set (not undefined). */
export abstract class FilterParameter<T> extends Contribution<ParameterMetadata> implements Parameter {
  where(value: unknown, scope: QueryScope): SqlFragment | undefined {
    if (value === undefined || value === null) return undefined;
    return this.condition(value as T, scope);
  }

  protected abstract condition(value: T, scope: QueryScope): SqlFragment | undefined;
}

/** A yes/no filter that keeps only the rows where `condition` holds when yes; no adds nothing. */
export abstract class OnlyWhenYesParameter extends FilterParameter<boolean> {
  protected condition(value: boolean, scope: QueryScope): SqlFragment | undefined {
    return value ? this.onlyWhenYes(scope) : undefined;
  }

  protected abstract onlyWhenYes(scope: QueryScope): SqlFragment;
}
