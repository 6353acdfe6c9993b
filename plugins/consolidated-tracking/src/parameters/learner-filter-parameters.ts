import { BOUNDS, parameter, rawSql, sql, type QueryScope, type SqlFragment } from '@exportkit/core';
import { PROVIDER, Rel } from '../names.js';
import { FilterParameter } from './filter-parameter.js';

@parameter({
  provider: PROVIDER,
  name: 'entityIds',
  narrows: true,
  kind: 'filter',
  valueType: { kind: 'list', item: { kind: 'int', min: 1, max: BOUNDS.idMax } },
  description:
    "Keeps the registrations whose learner's entity is one of these entities (ids) or lies below one of them.",
})
export class EntityIdsParameter extends FilterParameter<number[]> {
  protected condition(value: number[], scope: QueryScope): SqlFragment | undefined {
    if (value.length === 0) return undefined;
    const learner = rawSql(scope.use(Rel.learner));
    return sql`${learner}.entity_id IN (
  WITH RECURSIVE below(id) AS (
    SELECT e.id FROM entities e WHERE e.id = ANY(${value}::bigint[])
    UNION
    SELECT e.id FROM entities e JOIN below b ON e.parent_id = b.id
  )
  SELECT id FROM below
)`;
  }
}

@parameter({
  provider: PROVIDER,
  name: 'learnersSmartGroups',
  narrows: true,
  kind: 'filter',
  valueType: { kind: 'list', item: { kind: 'int', min: 1, max: BOUNDS.idMax } },
  description: 'Keeps the registrations whose learner is a member of one of these smartgroups (ids).',
})
export class LearnersSmartGroupsParameter extends FilterParameter<number[]> {
  protected condition(value: number[]): SqlFragment | undefined {
    if (value.length === 0) return undefined;
    return sql`EXISTS (SELECT 1 FROM smartgroup_members m WHERE m.learner_id = registration.learner_id AND m.smartgroup_id = ANY(${value}::bigint[]))`;
  }
}

export const learnerFilterParameters = [EntityIdsParameter, LearnersSmartGroupsParameter];
