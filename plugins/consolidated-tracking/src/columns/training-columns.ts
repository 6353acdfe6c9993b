import {
  Contribution,
  SqlColumn,
  column,
  type Column,
  type ColumnMetadata,
  type ColumnUse,
  type FormatContext,
  type QueryScope,
  type SqlFormatContext,
  type SqlFragment,
} from '@exportkit/core';
import { enumMapSql, jsTrimSql } from '../sql/enum-map.js';
import { Param, PROVIDER, Rel } from '../names.js';
import { translated } from './session-columns.js';

@column({
  provider: PROVIDER,
  name: 'trainingId',
  type: 'int',
  description: "The training's id (trainings.id).",
  relations: [Rel.session],
  sql: 'session.training_id',
})
export class TrainingIdColumn extends SqlColumn {}

@column({
  provider: PROVIDER,
  name: 'trainingGuid',
  type: 'string',
  description: "The training's GUID (lower-case, 8-4-4-4-12).",
  relations: [Rel.training],
  sql: 'training.guid',
})
export class TrainingGuidColumn extends SqlColumn {}

@column({
  provider: PROVIDER,
  name: 'trainingPathCode',
  type: 'string',
  description: "The training's path code.",
  relations: [Rel.training],
  sql: 'training.path_code',
})
export class TrainingPathCodeColumn extends SqlColumn {}

@column({
  provider: PROVIDER,
  name: 'trainingTitle',
  type: 'string',
  description:
    "The training's title, in the first of sessionPreferredLocales that has a title for it (the training's own " +
    'title counts for its own locale), else its default title.',
  parameters: [Param.preferredLocales],
})
export class TrainingTitleColumn extends Contribution<ColumnMetadata> implements Column {
  select(_use: ColumnUse, scope: QueryScope): SqlFragment {
    return translated(scope, Rel.training, 'title', Rel.trainingTitle);
  }
}

@column({
  provider: PROVIDER,
  name: 'catalogVisibility',
  type: 'enum',
  description: 'Y when the training is visible in the catalogue, else N.',
  relations: [Rel.training],
  sql: "CASE WHEN training.id IS NULL THEN NULL WHEN training.catalog_visible THEN 'Y' ELSE 'N' END",
})
export class CatalogVisibilityColumn extends SqlColumn {}

/** Keys of trainingStatusFormat by raw status. */
const TRAINING_STATUS_KEYS: Readonly<Record<string, string>> = {
  C: 'underConstruction',
  P: 'published',
  A: 'archived',
};

@column({
  provider: PROVIDER,
  name: 'trainingStatus',
  type: 'enum',
  description:
    "The training's status: C (under construction), P (published) or A (archived), or the texts given by " +
    'trainingStatusFormat.',
  relations: [Rel.training],
  sql: 'training.status',
  parameters: [Param.trainingStatusFormat],
})
export class TrainingStatusColumn extends SqlColumn implements Column {
  format(raw: string | null, context: FormatContext): string {
    if (raw === null) return '';
    const status = raw.trim();
    const key = TRAINING_STATUS_KEYS[status];
    const texts = context.param<Record<string, string> | undefined>(Param.trainingStatusFormat) ?? {};
    return key !== undefined && texts[key] !== undefined ? texts[key] : status;
  }

  formatSql(canonical: SqlFragment, context: SqlFormatContext): SqlFragment {
    const texts = context.param<Record<string, string> | undefined>(Param.trainingStatusFormat) ?? {};
    return enumMapSql(jsTrimSql(canonical), TRAINING_STATUS_KEYS, texts);
  }
}

@column({
  provider: PROVIDER,
  name: 'trainingModality',
  type: 'string',
  description: "The training's modality as stored (learning_channel, blended, campus…).",
  relations: [Rel.training],
  sql: 'training.modality',
})
export class TrainingModalityColumn extends SqlColumn {}

@column({
  provider: PROVIDER,
  name: 'trainingPublisher',
  type: 'string',
  description: "Name of the training's publisher.",
  relations: [Rel.publisher],
  sql: 'publisher.name',
})
export class TrainingPublisherColumn extends SqlColumn {}

@column({
  provider: PROVIDER,
  name: 'trainingChapters',
  type: 'longtext',
  description: "The training's chapters (free text).",
  relations: [Rel.training],
  sql: 'training.chapters',
})
export class TrainingChaptersColumn extends SqlColumn {}

@column({
  provider: PROVIDER,
  name: 'trainingDuration',
  type: 'string',
  description: "The training's announced duration, as written in the catalogue.",
  relations: [Rel.training],
  sql: 'training.duration',
})
export class TrainingDurationColumn extends SqlColumn {}

export const trainingColumns = [
  TrainingIdColumn,
  TrainingGuidColumn,
  TrainingPathCodeColumn,
  TrainingTitleColumn,
  CatalogVisibilityColumn,
  TrainingStatusColumn,
  TrainingModalityColumn,
  TrainingPublisherColumn,
  TrainingChaptersColumn,
  TrainingDurationColumn,
];
