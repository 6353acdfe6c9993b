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
import { enumMapSql } from '../sql/enum-map.js';
import { Param, PROVIDER, Rel } from '../names.js';
import { SessionStatus, sessionStatusExpression } from '../sql/status.js';

const DATETIME_PARAMETERS = [Param.dateTimeFormat, Param.timeZone];

@column({
  provider: PROVIDER,
  name: 'sessionFirstLaunchDate',
  aliases: ['firstLaunchDate'],
  type: 'datetime',
  description: 'When the learner first launched any activity of the session.',
  relations: [Rel.trackingCounts],
  sql: 'trackingCounts.first_launch_at',
  parameters: DATETIME_PARAMETERS,
})
export class SessionFirstLaunchDateColumn extends SqlColumn {}

@column({
  provider: PROVIDER,
  name: 'sessionCompletionTime',
  aliases: ['completionTime'],
  type: 'datetime',
  description: "The learner's latest access to any activity of the session.",
  relations: [Rel.trackingCounts],
  sql: 'trackingCounts.last_access_at',
  parameters: DATETIME_PARAMETERS,
})
export class SessionCompletionTimeColumn extends SqlColumn {}

@column({
  provider: PROVIDER,
  name: 'sessionFirstCompletionDate',
  aliases: ['firstCompletionDate'],
  type: 'datetime',
  description:
    'When every mandatory activity of the session is completed: the latest first completion among them; ' +
    'empty while one is not (or when the session has no mandatory activity).',
  relations: [Rel.activityTotals, Rel.trackingPoints],
  sql:
    'CASE WHEN activityTotals.mandatory > 0 AND trackingPoints.completed_mandatory = activityTotals.mandatory ' +
    'THEN trackingPoints.mandatory_completed_at END',
  parameters: DATETIME_PARAMETERS,
})
export class SessionFirstCompletionDateColumn extends SqlColumn {}

@column({
  provider: PROVIDER,
  name: 'thresholdReachedDate',
  type: 'datetime',
  description: "When the registration reached the session's success threshold.",
  sql: 'registration.threshold_reached_at',
  parameters: DATETIME_PARAMETERS,
})
export class ThresholdReachedDateColumn extends SqlColumn {}

@column({
  provider: PROVIDER,
  name: 'sessionProgression',
  aliases: ['progression'],
  type: 'float',
  description:
    "Progress in percent: 100 × earned points / points of all the session's activities (earned points: points " +
    'of the completed activities); when the session has no points, 100 × finished / number of activities; ' +
    '0 for an empty session. Two decimals.',
  relations: [Rel.activityTotals, Rel.trackingPoints],
  sql:
    'CASE WHEN coalesce(activityTotals.activities, 0) = 0 THEN 0 ' +
    'WHEN activityTotals.points = 0 THEN 100.0 * coalesce(trackingPoints.completed, 0) / activityTotals.activities ' +
    'ELSE 100.0 * coalesce(trackingPoints.earned_points, 0) / activityTotals.points END',
})
export class SessionProgressionColumn extends SqlColumn {}

@column({
  provider: PROVIDER,
  name: 'progressionMandatory',
  type: 'float',
  description:
    'Progress towards success in percent: with a session success threshold, min(100, 100 × earned points / ' +
    'threshold); without, 100 × completed mandatory activities / mandatory activities (0 when there are none). ' +
    'Two decimals.',
  relations: [Rel.session, Rel.activityTotals, Rel.trackingPoints],
  sql:
    'CASE WHEN session.success_threshold IS NOT NULL THEN ' +
    'CASE WHEN session.success_threshold <= 0 THEN 100 ' +
    'ELSE least(100, 100.0 * coalesce(trackingPoints.earned_points, 0) / session.success_threshold) END ' +
    'WHEN coalesce(activityTotals.mandatory, 0) = 0 THEN 0 ' +
    'ELSE 100.0 * coalesce(trackingPoints.completed_mandatory, 0) / activityTotals.mandatory END',
})
export class ProgressionMandatoryColumn extends SqlColumn {}

@column({
  provider: PROVIDER,
  name: 'sessionScore',
  aliases: ['score'],
  type: 'float',
  description: 'Earned points: the sum of the points of the activities whose tracking is completed.',
  relations: [Rel.trackingPoints],
  sql: 'coalesce(trackingPoints.earned_points, 0)',
})
export class SessionScoreColumn extends SqlColumn {}

@column({
  provider: PROVIDER,
  name: 'scoreNPS',
  type: 'int',
  description:
    "The learner's answer (0 to 10) to the session's nps activity: the latest accessed of its nps trackings " +
    'that hold a score; empty when there is none.',
  relations: [Rel.npsScore],
  sql: 'round(npsScore.score)::integer',
})
export class ScoreNPSColumn extends SqlColumn {}

/** Keys of statusFormat by raw status. */
const STATUS_KEYS: Readonly<Record<string, string>> = {
  [SessionStatus.completed]: 'completed',
  [SessionStatus.incomplete]: 'incomplete',
  [SessionStatus.notAttempted]: 'notAttempted',
};

@column({
  provider: PROVIDER,
  name: 'sessionStatus',
  aliases: ['status'],
  type: 'enum',
  description:
    'completed when the registration reached its threshold; else incomplete when any activity was launched; ' +
    'else not attempted. statusFormat replaces these texts.',
  parameters: [Param.statusFormat],
})
export class SessionStatusColumn extends Contribution<ColumnMetadata> implements Column {
  select(_use: ColumnUse, scope: QueryScope): SqlFragment {
    return sessionStatusExpression(scope);
  }

  format(raw: string | null, context: FormatContext): string {
    if (raw === null) return '';
    const key = STATUS_KEYS[raw];
    const texts = context.param<Record<string, string> | undefined>(Param.statusFormat) ?? {};
    return key !== undefined && texts[key] !== undefined ? texts[key] : raw;
  }

  formatSql(canonical: SqlFragment, context: SqlFormatContext): SqlFragment {
    return enumMapSql(
      canonical,
      STATUS_KEYS,
      context.param<Record<string, string> | undefined>(Param.statusFormat) ?? {},
    );
  }
}

export const progressColumns = [
  SessionFirstLaunchDateColumn,
  SessionCompletionTimeColumn,
  SessionFirstCompletionDateColumn,
  ThresholdReachedDateColumn,
  SessionProgressionColumn,
  ProgressionMandatoryColumn,
  SessionScoreColumn,
  ScoreNPSColumn,
  SessionStatusColumn,
];
