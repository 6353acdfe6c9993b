import {
  Contribution,
  SqlColumn,
  column,
  sql,
  type Column,
  type ColumnCheckContext,
  type ColumnMetadata,
  type ColumnUse,
  type QueryScope,
  type SqlFragment,
} from '@exportkit/core';
import { Param, PROVIDER, Rel } from '../names.js';

@column({
  provider: PROVIDER,
  name: 'candidateId',
  type: 'int',
  description: "The learner's id (learners.id).",
  sql: 'registration.learner_id',
})
export class CandidateIdColumn extends SqlColumn {}

@column({
  provider: PROVIDER,
  name: 'candidateName',
  type: 'string',
  description: "The learner's last name (family name).",
  relations: [Rel.learner],
  sql: 'learner.last_name',
})
export class CandidateNameColumn extends SqlColumn {}

@column({
  provider: PROVIDER,
  name: 'candidateFirstname',
  type: 'string',
  description: "The learner's first name (given name).",
  relations: [Rel.learner],
  sql: 'learner.first_name',
})
export class CandidateFirstnameColumn extends SqlColumn {}

@column({
  provider: PROVIDER,
  name: 'candidateLogin',
  type: 'string',
  description: "The learner's login, unique on the platform.",
  relations: [Rel.learner],
  sql: 'learner.login',
})
export class CandidateLoginColumn extends SqlColumn {}

@column({
  provider: PROVIDER,
  name: 'candidateEmail',
  type: 'string',
  description: "The learner's e-mail address.",
  relations: [Rel.learner],
  sql: 'learner.email',
})
export class CandidateEmailColumn extends SqlColumn {}

@column({
  provider: PROVIDER,
  name: 'candidateRefNumber',
  type: 'string',
  description: "The learner's reference number (ref_number), e.g. an HR identifier.",
  relations: [Rel.learner],
  sql: 'learner.ref_number',
})
export class CandidateRefNumberColumn extends SqlColumn {}

@column({
  provider: PROVIDER,
  name: 'candidateGuid',
  type: 'string',
  description: "The learner's GUID (lower-case, 8-4-4-4-12).",
  relations: [Rel.learner],
  sql: 'learner.guid',
})
export class CandidateGuidColumn extends SqlColumn {}

@column({
  provider: PROVIDER,
  name: 'candidateEntityAncestors',
  type: 'string',
  description:
    "Names of the ancestors of the learner's entity, root first, joined with ' > ' (empty for a learner " +
    'without entity or in a root entity). With ancestorsWithCurrent = yes the entity itself ends the list.',
  parameters: [Param.ancestorsWithCurrent],
})
export class CandidateEntityAncestorsColumn extends Contribution<ColumnMetadata> implements Column {
  select(_use: ColumnUse, scope: QueryScope): SqlFragment {
    const alias = scope.use(Rel.entityAncestors);
    const withCurrent = scope.param<boolean | undefined>(Param.ancestorsWithCurrent) === true;
    return { sql: `${alias}.${withCurrent ? 'path' : 'ancestors'}`, bindings: [] };
  }
}

@column({
  provider: PROVIDER,
  name: 'candidateEntityName',
  type: 'string',
  description: "Name of the learner's entity.",
  relations: [Rel.entity],
  sql: 'entity.name',
})
export class CandidateEntityNameColumn extends SqlColumn {}

@column({
  provider: PROVIDER,
  name: 'candidateCustomFieldGuid',
  type: 'string',
  description:
    "The learner's value for the custom field whose GUID is the element's text, e.g. " +
    '`<candidateCustomFieldGuid label="Department">8345C0A3-B8AB-7F65-0638-39B0E1244AA8</candidateCustomFieldGuid>`. ' +
    'May appear several times with different GUIDs; a GUID that names no custom field is an error.',
  value: 'required',
  valueType: { kind: 'guid' },
})
export class CandidateCustomFieldGuidColumn extends Contribution<ColumnMetadata> implements Column {
  select(use: ColumnUse, scope: QueryScope): SqlFragment {
    const alias = scope.use(Rel.customFieldValue, { guid: normaliseGuid(use.spec.value) });
    return { sql: `${alias}.value`, bindings: [] };
  }

  /** The GUID's form is checked by validation (valueType); whether it names a custom field needs the data. */
  async check(use: ColumnUse, context: ColumnCheckContext): Promise<string[]> {
    const guid = normaliseGuid(use.spec.value);
    if (!context.query || guid === '') return [];
    const found = await context.query(sql`SELECT 1 AS found FROM custom_fields WHERE guid = ${guid}::uuid`);
    return found.length ? [] : [`no custom field has the GUID ${use.spec.value?.trim()}`];
  }
}

function normaliseGuid(value: string | undefined): string {
  return (value ?? '').trim().toLowerCase();
}

@column({
  provider: PROVIDER,
  name: 'candidateSmartgroups',
  type: 'string',
  description: "Names of the learner's smartgroups, sorted, joined with ';'.",
  relations: [Rel.smartgroups],
  sql: 'smartgroups.names',
})
export class CandidateSmartgroupsColumn extends SqlColumn {}

@column({
  provider: PROVIDER,
  name: 'lastPlatformAccessDate',
  type: 'datetime',
  description: 'When the learner last accessed the platform (any session).',
  relations: [Rel.learner],
  sql: 'learner.last_platform_access_at',
  parameters: [Param.dateTimeFormat, Param.timeZone],
})
export class LastPlatformAccessDateColumn extends SqlColumn {}

export const candidateColumns = [
  CandidateIdColumn,
  CandidateNameColumn,
  CandidateFirstnameColumn,
  CandidateLoginColumn,
  CandidateEmailColumn,
  CandidateRefNumberColumn,
  CandidateGuidColumn,
  CandidateEntityAncestorsColumn,
  CandidateEntityNameColumn,
  CandidateCustomFieldGuidColumn,
  CandidateSmartgroupsColumn,
  LastPlatformAccessDateColumn,
];
