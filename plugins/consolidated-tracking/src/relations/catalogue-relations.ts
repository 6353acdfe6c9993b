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
import { Param, PROVIDER, Rel } from '../names.js';

@relation({
  provider: PROVIDER,
  name: Rel.session,
  description: 'The registration’s session (sessions).',
  join: 'LEFT JOIN sessions AS {alias} ON {alias}.id = registration.session_id',
})
export class SessionRelation extends SqlRelation {}

@relation({
  provider: PROVIDER,
  name: Rel.training,
  description: 'The training of the session (trainings).',
  join: 'LEFT JOIN trainings AS {alias} ON {alias}.id = session.training_id',
  dependsOn: [Rel.session],
})
export class TrainingRelation extends SqlRelation {}

@relation({
  provider: PROVIDER,
  name: Rel.publisher,
  description: 'The publisher of the training (publishers).',
  join: 'LEFT JOIN publishers AS {alias} ON {alias}.id = training.publisher_id',
  dependsOn: [Rel.training],
})
export class PublisherRelation extends SqlRelation {}

/**
 * The title in the first of the preferred locales that has one. An item's own title counts as
 * its title in its own `locale`; the translation tables hold the other locales.
 */
function translatedTitle(
  alias: string,
  scope: QueryScope,
  table: { items: string; translations: string; key: string },
  on: string,
): SqlFragment {
  const locales = scope.param<string[] | undefined>(Param.preferredLocales) ?? [];
  const a = rawSql(alias);
  const { items, translations, key } = table;
  return sql`LEFT JOIN (
  SELECT DISTINCT ON (t.item_id) t.item_id, t.title
  FROM (
    SELECT i.id AS item_id, i.locale, i.title FROM ${rawSql(items)} i
    UNION ALL
    SELECT tr.${rawSql(key)}, tr.locale, tr.title FROM ${rawSql(translations)} tr
  ) t
  WHERE t.locale = ANY(${locales}::text[])
  ORDER BY t.item_id, array_position(${locales}::text[], t.locale::text)
) AS ${a} ON ${a}.item_id = ${rawSql(on)}`;
}

@relation({
  provider: PROVIDER,
  name: Rel.sessionTitle,
  description:
    'The session title in the first of sessionPreferredLocales that has one (session_translations, or the ' +
    "session's own title for its own locale).",
})
export class SessionTitleTranslationRelation extends Contribution<RelationMetadata> implements Relation {
  join(alias: string, _args: Readonly<Record<string, string>>, scope: QueryScope): SqlFragment {
    return translatedTitle(
      alias,
      scope,
      { items: 'sessions', translations: 'session_translations', key: 'session_id' },
      'registration.session_id',
    );
  }
}

@relation({
  provider: PROVIDER,
  name: Rel.trainingTitle,
  description:
    'The training title in the first of sessionPreferredLocales that has one (training_translations, or the ' +
    "training's own title for its own locale).",
  dependsOn: [Rel.session],
})
export class TrainingTitleTranslationRelation extends Contribution<RelationMetadata> implements Relation {
  join(alias: string, _args: Readonly<Record<string, string>>, scope: QueryScope): SqlFragment {
    scope.use(Rel.session);
    return translatedTitle(
      alias,
      scope,
      { items: 'trainings', translations: 'training_translations', key: 'training_id' },
      'session.training_id',
    );
  }
}

export const catalogueRelations = [
  SessionRelation,
  TrainingRelation,
  PublisherRelation,
  SessionTitleTranslationRelation,
  TrainingTitleTranslationRelation,
];
