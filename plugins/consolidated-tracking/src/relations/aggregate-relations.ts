import {
  Contribution,
  EXPORT_RUNS,
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
import { dayInWindow, instantInWindow, timeBasis, timeFramesOf } from '../sql/time-frames.js';

/*
 * Aggregates are pre-computed with one GROUP BY sub-query each and joined once (measured faster
 * than LATERAL per registration). Those per registration aggregate only the registrations the
 * export keeps (`{kept:…}`, `scope.keptRows`): a time-framed export keeps a few percent of them.
 * They are split so that a query computes only what its columns
 * need: counting activities never touches trackings, and time buckets are computed only for the
 * time columns.
 */

@relation({
  provider: PROVIDER,
  name: Rel.activityTotals,
  description: 'Per session: number of activities, total points and number of mandatory activities.',
  join: `LEFT JOIN (
  SELECT a.session_id, count(*) AS activities, coalesce(sum(a.points), 0) AS points,
         count(*) FILTER (WHERE a.mandatory) AS mandatory
  FROM activities a
  GROUP BY a.session_id
) AS {alias} ON {alias}.session_id = registration.session_id`,
})
export class ActivityTotalsRelation extends SqlRelation {}

@relation({
  provider: PROVIDER,
  name: Rel.trackingCounts,
  description:
    'Per registration, over its trackings alone: activities started and finished, any pending feedback, ' +
    'earliest first launch and latest access.',
  join: `LEFT JOIN (
  SELECT t.registration_id,
         count(*) FILTER (WHERE t.first_launch_at IS NOT NULL) AS started,
         count(*) FILTER (WHERE t.status = 'completed') AS finished,
         bool_or(t.status = 'pending_feedback') AS pending_feedback,
         min(t.first_launch_at) AS first_launch_at,
         max(t.last_access_at) AS last_access_at
  FROM trackings t
  WHERE {kept:t.registration_id}
  GROUP BY t.registration_id
) AS {alias} ON {alias}.registration_id = registration.id`,
})
export class TrackingCountsRelation extends SqlRelation {}

@relation({
  provider: PROVIDER,
  name: Rel.trackingPoints,
  description:
    'Per registration, over its completed trackings and their activities: earned points, completed ' +
    'activities, completed mandatory activities and the latest first completion among those.',
  join: `LEFT JOIN (
  SELECT t.registration_id,
         coalesce(sum(a.points), 0) AS earned_points,
         count(*) AS completed,
         count(*) FILTER (WHERE a.mandatory) AS completed_mandatory,
         max(t.first_completion_at) FILTER (WHERE a.mandatory) AS mandatory_completed_at
  FROM trackings t JOIN activities a ON a.id = t.activity_id
  WHERE t.status = 'completed' AND {kept:t.registration_id}
  GROUP BY t.registration_id
) AS {alias} ON {alias}.registration_id = registration.id`,
})
export class TrackingPointsRelation extends SqlRelation {}

/** The time bucket sums of a set of rows `src` holding `registration_id`, `type` and `seconds`. */
const TIME_BUCKETS = `sum(x.seconds) AS total,
         coalesce(sum(x.seconds) FILTER (WHERE x.type = 'learning_resource'), 0) AS global,
         coalesce(sum(x.seconds) FILTER (WHERE x.type IN ('classroom', 'virtual_classroom')), 0) AS cbt,
         coalesce(sum(x.seconds) FILTER (WHERE x.type IS NULL OR x.type NOT IN ('learning_resource', 'classroom', 'virtual_classroom')), 0) AS digital`;

/**
 * Per registration: seconds on learning resources (global), classroom and virtual classroom (cbt)
 * and every other activity (digital). In a time-framed export, the time inside the window (tracking
 * days, with timeSpent) or of the activities last accessed in it (lastActivity); lastActivityCumulative
 * keeps all the time.
 */
@relation({
  provider: PROVIDER,
  name: Rel.trackingTimes,
  description:
    'Per registration: seconds spent by kind of activity (learning resources, classroom, digital), ' +
    'restricted by the time frames.',
})
export class TrackingTimesRelation extends Contribution<RelationMetadata> implements Relation {
  join(alias: string, _args: Readonly<Record<string, string>>, scope: QueryScope): SqlFragment {
    const a = rawSql(alias);
    const frames = timeFramesOf(scope);
    const kept = scope.keptRows('t.registration_id');
    const basis = frames ? timeBasis(frames) : 'all';
    let source: SqlFragment;
    if (frames && basis === 'days') {
      source = sql`SELECT t.registration_id, a.type, d.time_spent_s AS seconds
    FROM tracking_days d JOIN trackings t ON t.id = d.tracking_id JOIN activities a ON a.id = t.activity_id
    WHERE ${dayInWindow('d.day', frames)} AND ${kept}`;
    } else if (frames && basis === 'lastAccess') {
      source = sql`SELECT t.registration_id, a.type, t.time_spent_s AS seconds
    FROM trackings t JOIN activities a ON a.id = t.activity_id
    WHERE ${instantInWindow('t.last_access_at', frames)} AND ${kept}`;
    } else {
      source = sql`SELECT t.registration_id, a.type, t.time_spent_s AS seconds
    FROM trackings t JOIN activities a ON a.id = t.activity_id
    WHERE ${kept}`;
    }
    return sql`LEFT JOIN (
  SELECT x.registration_id,
         ${rawSql(TIME_BUCKETS)}
  FROM (${source}) x
  GROUP BY x.registration_id
) AS ${a} ON ${a}.registration_id = registration.id`;
  }
}

@relation({
  provider: PROVIDER,
  name: Rel.npsScore,
  description:
    "Per registration: the score of its latest accessed tracking of an nps activity that holds a score.",
  join: `LEFT JOIN (
  SELECT DISTINCT ON (t.registration_id) t.registration_id, t.score
  FROM trackings t JOIN activities a ON a.id = t.activity_id
  WHERE a.type = 'nps' AND t.score IS NOT NULL AND {kept:t.registration_id}
  ORDER BY t.registration_id, t.last_access_at DESC NULLS LAST, t.id DESC
) AS {alias} ON {alias}.registration_id = registration.id`,
})
export class NpsScoreRelation extends SqlRelation {}

/**
 * Delta mode's mark: the newest delta mark of this export guid's succeeded runs (taken by the
 * engine from the database's clock before each run's snapshot, moved back to the oldest open
 * transaction), or -infinity when there is none (the first run exports everything). One row,
 * cross-joined once.
 */
@relation({
  provider: PROVIDER,
  name: Rel.deltaMark,
  description: "Delta mark of the last succeeded run of the export's guid (exportkit.export_runs.delta_mark), for delta mode.",
})
export class DeltaMarkRelation extends Contribution<RelationMetadata> implements Relation {
  join(alias: string, _args: Readonly<Record<string, string>>, scope: QueryScope): SqlFragment {
    const a = rawSql(alias);
    return sql`CROSS JOIN (
  SELECT coalesce(max(r.delta_mark), '-infinity'::timestamptz) AS since
  FROM ${rawSql(EXPORT_RUNS)} r WHERE r.export_guid = ${scope.exportGuid ?? null} AND r.status = 'succeeded'
) AS ${a}`;
  }
}

export const aggregateRelations = [
  ActivityTotalsRelation,
  TrackingCountsRelation,
  TrackingPointsRelation,
  TrackingTimesRelation,
  NpsScoreRelation,
  DeltaMarkRelation,
];
