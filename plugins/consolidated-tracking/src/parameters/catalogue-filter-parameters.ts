import { parameter, rawSql, sql, type QueryScope, type SqlFragment } from '@exportkit/core';
import { ACTIVITY_TYPES, MODALITIES } from '@exportkit/db';
import { PROVIDER, Rel } from '../names.js';
import { FilterParameter, OnlyWhenYesParameter } from './filter-parameter.js';

@parameter({
  provider: PROVIDER,
  name: 'modality',
  kind: 'filter',
  valueType: { kind: 'enum', values: MODALITIES },
  description: `Keeps the registrations whose training has this modality (one of ${MODALITIES.join(', ')}).`,
})
export class ModalityParameter extends FilterParameter<string> {
  protected condition(value: string, scope: QueryScope): SqlFragment {
    return sql`${rawSql(scope.use(Rel.training))}.modality = ${value}`;
  }
}

@parameter({
  provider: PROVIDER,
  name: 'trainingModalityFormat',
  kind: 'filter',
  valueType: { kind: 'list', item: { kind: 'enum', values: MODALITIES } },
  description: 'Keeps the registrations whose training has one of these modalities (comma-separated).',
})
export class TrainingModalityFormatParameter extends FilterParameter<string[]> {
  protected condition(value: string[], scope: QueryScope): SqlFragment | undefined {
    if (value.length === 0) return undefined;
    return sql`${rawSql(scope.use(Rel.training))}.modality = ANY(${value}::text[])`;
  }
}

@parameter({
  provider: PROVIDER,
  name: 'trainingPathCode',
  kind: 'filter',
  valueType: { kind: 'string', nonEmpty: true },
  description: "Keeps the registrations whose training's path code equals this text.",
})
export class TrainingPathCodeParameter extends FilterParameter<string> {
  protected condition(value: string, scope: QueryScope): SqlFragment {
    return sql`${rawSql(scope.use(Rel.training))}.path_code = ${value}`;
  }
}

@parameter({
  provider: PROVIDER,
  name: 'trainingGuid',
  kind: 'filter',
  // One session or one training: a small part of the registrations (defines the kept rows).
  narrows: true,
  valueType: { kind: 'guid' },
  description: 'Keeps the registrations to sessions of the training with this GUID.',
})
export class TrainingGuidParameter extends FilterParameter<string> {
  protected condition(value: string, scope: QueryScope): SqlFragment {
    return sql`${rawSql(scope.use(Rel.training))}.guid = ${value}::uuid`;
  }
}

@parameter({
  provider: PROVIDER,
  name: 'sessionGuid',
  kind: 'filter',
  // One session or one training: a small part of the registrations (defines the kept rows).
  narrows: true,
  valueType: { kind: 'guid' },
  description: 'Keeps the registrations to the session with this GUID.',
})
export class SessionGuidParameter extends FilterParameter<string> {
  protected condition(value: string, scope: QueryScope): SqlFragment {
    return sql`${rawSql(scope.use(Rel.session))}.guid = ${value}::uuid`;
  }
}

@parameter({
  provider: PROVIDER,
  name: 'completeSessionTitle',
  aliases: ['sessionTitle'],
  kind: 'filter',
  // One session or one training: a small part of the registrations (defines the kept rows).
  narrows: true,
  valueType: { kind: 'string', nonEmpty: true },
  description: "Keeps the registrations whose session's default (untranslated) title equals this text exactly.",
})
export class CompleteSessionTitleParameter extends FilterParameter<string> {
  protected condition(value: string, scope: QueryScope): SqlFragment {
    return sql`${rawSql(scope.use(Rel.session))}.title = ${value}`;
  }
}

@parameter({
  provider: PROVIDER,
  name: 'activityType',
  kind: 'filter',
  valueType: {
    kind: 'list',
    item: {
      kind: 'enum',
      values: ACTIVITY_TYPES,
      synonyms: Object.fromEntries(ACTIVITY_TYPES.map((type, code) => [String(code), type])),
    },
  },
  description:
    'Keeps the registrations whose session holds at least one activity of these types, given by name or code: ' +
    ACTIVITY_TYPES.map((type, code) => `${code} ${type}`).join(', ') +
    '.',
})
export class ActivityTypeParameter extends FilterParameter<string[]> {
  protected condition(value: string[]): SqlFragment | undefined {
    if (value.length === 0) return undefined;
    return sql`EXISTS (SELECT 1 FROM activities a WHERE a.session_id = registration.session_id AND a.type = ANY(${value}::text[]))`;
  }
}

@parameter({
  provider: PROVIDER,
  name: 'publishers',
  kind: 'filter',
  valueType: { kind: 'list', item: { kind: 'guid' } },
  description: 'Keeps the registrations whose session holds an activity from one of these publishers (GUIDs).',
})
export class PublishersParameter extends FilterParameter<string[]> {
  protected condition(value: string[]): SqlFragment | undefined {
    if (value.length === 0) return undefined;
    return sql`EXISTS (SELECT 1 FROM activities a JOIN publishers p ON p.id = a.publisher_id WHERE a.session_id = registration.session_id AND p.guid = ANY(${value}::uuid[]))`;
  }
}

@parameter({
  provider: PROVIDER,
  name: 'trainingPublishers',
  kind: 'filter',
  valueType: { kind: 'list', item: { kind: 'string', nonEmpty: true } },
  description: "Keeps the registrations whose training's publisher has one of these names.",
})
export class TrainingPublishersParameter extends FilterParameter<string[]> {
  protected condition(value: string[], scope: QueryScope): SqlFragment | undefined {
    if (value.length === 0) return undefined;
    return sql`${rawSql(scope.use(Rel.publisher))}.name = ANY(${value}::text[])`;
  }
}

@parameter({
  provider: PROVIDER,
  name: 'trainingStatus',
  kind: 'filter',
  valueType: {
    kind: 'list',
    item: {
      kind: 'enum',
      values: ['C', 'P', 'A'],
      synonyms: { underConstruction: 'C', published: 'P', archived: 'A' },
    },
  },
  description:
    "Keeps the registrations whose training's status is one of these: C (or underConstruction), P (published), " +
    'A (archived).',
})
export class TrainingStatusParameter extends FilterParameter<string[]> {
  protected condition(value: string[], scope: QueryScope): SqlFragment | undefined {
    if (value.length === 0) return undefined;
    return sql`${rawSql(scope.use(Rel.training))}.status::text = ANY(${value}::text[])`;
  }
}

@parameter({
  provider: PROVIDER,
  name: 'catalogVisibility',
  kind: 'filter',
  valueType: { kind: 'yesno' },
  description:
    'yes: keeps the registrations whose training is visible in the catalogue; no: those whose training is not.',
})
export class CatalogVisibilityParameter extends FilterParameter<boolean> {
  protected condition(value: boolean, scope: QueryScope): SqlFragment {
    return sql`${rawSql(scope.use(Rel.training))}.catalog_visible = ${value}`;
  }
}

@parameter({
  provider: PROVIDER,
  name: 'onlyHrisSelectedItems',
  kind: 'filter',
  valueType: { kind: 'yesno' },
  default: false,
  description: 'yes: keeps only the registrations whose training is selected for the HRIS (hris_selected).',
})
export class OnlyHrisSelectedItemsParameter extends OnlyWhenYesParameter {
  protected onlyWhenYes(scope: QueryScope): SqlFragment {
    return rawSql(`${scope.use(Rel.training)}.hris_selected`);
  }
}

@parameter({
  provider: PROVIDER,
  name: 'onlyFromImportedSessions',
  kind: 'filter',
  valueType: { kind: 'yesno' },
  default: false,
  description: 'yes: keeps only the registrations to imported sessions.',
})
export class OnlyFromImportedSessionsParameter extends OnlyWhenYesParameter {
  protected onlyWhenYes(scope: QueryScope): SqlFragment {
    return rawSql(`${scope.use(Rel.session)}.imported`);
  }
}

@parameter({
  provider: PROVIDER,
  name: 'onlyFromImportedTraining',
  kind: 'filter',
  valueType: { kind: 'yesno' },
  default: false,
  description: 'yes: keeps only the registrations to sessions of imported trainings.',
})
export class OnlyFromImportedTrainingParameter extends OnlyWhenYesParameter {
  protected onlyWhenYes(scope: QueryScope): SqlFragment {
    return rawSql(`${scope.use(Rel.training)}.imported`);
  }
}

export const catalogueFilterParameters = [
  ModalityParameter,
  TrainingModalityFormatParameter,
  TrainingPathCodeParameter,
  TrainingGuidParameter,
  SessionGuidParameter,
  CompleteSessionTitleParameter,
  ActivityTypeParameter,
  PublishersParameter,
  TrainingPublishersParameter,
  TrainingStatusParameter,
  CatalogVisibilityParameter,
  OnlyHrisSelectedItemsParameter,
  OnlyFromImportedSessionsParameter,
  OnlyFromImportedTrainingParameter,
];
