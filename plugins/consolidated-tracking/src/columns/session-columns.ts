import {
  Contribution,
  SqlColumn,
  column,
  type Column,
  type ColumnMetadata,
  type ColumnUse,
  type QueryScope,
  type SqlFragment,
} from '@exportkit/core';
import { Param, PROVIDER, Rel } from '../names.js';

@column({
  provider: PROVIDER,
  name: 'sessionRegistrationDate',
  aliases: ['registrationDate'],
  type: 'datetime',
  description: 'When the learner was registered to the session.',
  sql: 'registration.registered_at',
  parameters: [Param.dateTimeFormat, Param.timeZone],
})
export class SessionRegistrationDateColumn extends SqlColumn {}

@column({
  provider: PROVIDER,
  name: 'sessionRegistrationGuid',
  aliases: ['registrationGuid'],
  type: 'string',
  description: "The registration's GUID (lower-case, 8-4-4-4-12).",
  sql: 'registration.guid',
})
export class SessionRegistrationGuidColumn extends SqlColumn {}

@column({
  provider: PROVIDER,
  name: 'sessionId',
  type: 'int',
  description: "The session's id (sessions.id).",
  sql: 'registration.session_id',
})
export class SessionIdColumn extends SqlColumn {}

@column({
  provider: PROVIDER,
  name: 'sessionGuid',
  type: 'string',
  description: "The session's GUID (lower-case, 8-4-4-4-12).",
  relations: [Rel.session],
  sql: 'session.guid',
})
export class SessionGuidColumn extends SqlColumn {}

@column({
  provider: PROVIDER,
  name: 'sessionTitle',
  type: 'string',
  description:
    "The session's title, in the first of sessionPreferredLocales that has a title for it (the session's own " +
    'title counts for its own locale), else its default title.',
  parameters: [Param.preferredLocales],
})
export class SessionTitleColumn extends Contribution<ColumnMetadata> implements Column {
  select(_use: ColumnUse, scope: QueryScope): SqlFragment {
    return translated(scope, Rel.session, 'title', Rel.sessionTitle);
  }
}

@column({
  provider: PROVIDER,
  name: 'sessionStartDate',
  type: 'date',
  description: "The session's start date (no time, not moved by timeZone).",
  relations: [Rel.session],
  sql: 'session.start_date',
  parameters: [Param.dateFormat],
})
export class SessionStartDateColumn extends SqlColumn {}

@column({
  provider: PROVIDER,
  name: 'sessionEndDate',
  type: 'date',
  description: "The session's end date (no time, not moved by timeZone).",
  relations: [Rel.session],
  sql: 'session.end_date',
  parameters: [Param.dateFormat],
})
export class SessionEndDateColumn extends SqlColumn {}

/** `coalesce(translation, default)` when preferred locales are given, else the default title. */
export function translated(scope: QueryScope, owner: string, field: string, translation: string): SqlFragment {
  const ownerAlias = scope.use(owner);
  const locales = scope.param<string[] | undefined>(Param.preferredLocales) ?? [];
  if (locales.length === 0) return { sql: `${ownerAlias}.${field}`, bindings: [] };
  const t = scope.use(translation);
  return { sql: `coalesce(${t}.title, ${ownerAlias}.${field})`, bindings: [] };
}

export const sessionColumns = [
  SessionRegistrationDateColumn,
  SessionRegistrationGuidColumn,
  SessionIdColumn,
  SessionGuidColumn,
  SessionTitleColumn,
  SessionStartDateColumn,
  SessionEndDateColumn,
];
