import {
  Contribution,
  SqlRelation,
  relation,
  rawSql,
  sql,
  type QueryScope,
  type Relation,
  type RelationMetadata,
  type SqlFragment,
} from '@exportkit/core';
import { PROVIDER, Rel } from '../names.js';

@relation({
  provider: PROVIDER,
  name: Rel.learner,
  description: 'The registered learner (learners).',
  join: 'LEFT JOIN learners AS {alias} ON {alias}.id = registration.learner_id',
})
export class LearnerRelation extends SqlRelation {}

@relation({
  provider: PROVIDER,
  name: Rel.entity,
  description: "The learner's entity (entities); absent when the learner has none.",
  join: 'LEFT JOIN entities AS {alias} ON {alias}.id = learner.entity_id',
  dependsOn: [Rel.learner],
})
export class EntityRelation extends SqlRelation {}

/**
 * Every entity with its path from the root, computed once by a recursive walk down the tree
 * (entities caught in a parent cycle have no path): `ancestors` are the names above the entity,
 * root first, joined with ` > ` (NULL for a root); `path` adds the entity's own name.
 */
@relation({
  provider: PROVIDER,
  name: Rel.entityAncestors,
  description: "Names of the ancestors of the learner's entity, root first (recursive walk of entities).",
  join: `LEFT JOIN (
  WITH RECURSIVE entity_paths(id, ancestors, path) AS (
    SELECT e.id, NULL::text, e.name::text FROM entities e WHERE e.parent_id IS NULL
    UNION ALL
    SELECT e.id, p.path, p.path || ' > ' || e.name FROM entities e JOIN entity_paths p ON e.parent_id = p.id
  )
  SELECT id, ancestors, path FROM entity_paths
) AS {alias} ON {alias}.id = learner.entity_id`,
  dependsOn: [Rel.learner],
})
export class EntityAncestorsRelation extends SqlRelation {}

/**
 * The learner's value for one custom field, chosen by the field's GUID (the relation's `guid`
 * argument, bound as a parameter). Joined once per distinct GUID.
 */
@relation({
  provider: PROVIDER,
  name: Rel.customFieldValue,
  description: "The learner's value for the custom field whose GUID is the argument `guid`.",
  args: ['guid'],
})
export class CustomFieldValueRelation extends Contribution<RelationMetadata> implements Relation {
  join(alias: string, args: Readonly<Record<string, string>>, _scope: QueryScope): SqlFragment {
    const guid = args['guid'];
    if (guid === undefined) throw new Error(`relation ${Rel.customFieldValue} needs a guid argument`);
    const a = rawSql(alias);
    return sql`LEFT JOIN learner_custom_field_values AS ${a} ON ${a}.learner_id = registration.learner_id AND ${a}.custom_field_id = (SELECT f.id FROM custom_fields f WHERE f.guid = ${guid}::uuid)`;
  }
}

/** Smartgroup names per learner, sorted by code point (the same on every database) and joined with `;`. */
@relation({
  provider: PROVIDER,
  name: Rel.smartgroups,
  description: "The learner's smartgroup names, sorted and joined with ';' (one GROUP BY over smartgroup_members).",
  join: `LEFT JOIN (
  SELECT m.learner_id, string_agg(g.name, ';' ORDER BY g.name COLLATE "C", g.id) AS names
  FROM smartgroup_members m JOIN smartgroups g ON g.id = m.smartgroup_id
  GROUP BY m.learner_id
) AS {alias} ON {alias}.learner_id = registration.learner_id`,
})
export class SmartgroupsRelation extends SqlRelation {}

export const learnerRelations = [
  LearnerRelation,
  EntityRelation,
  EntityAncestorsRelation,
  CustomFieldValueRelation,
  SmartgroupsRelation,
];
