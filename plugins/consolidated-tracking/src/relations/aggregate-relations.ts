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
  type SharedAggregates,
  type SqlFragment,
  AGGREGATES_PLACEHOLDER,
} from '@exportkit/core';
import { PROVIDER, Rel } from '../names.js';
import { dayInWindow, instantInWindow, timeBasis, timeFramesOf } from '../sql/time-frames.js';

/*
 * Aggregates are pre-computed with GROUP BY sub-queries joined once (measured faster than LATERAL
 * per registration). Those per registration aggregate only the registrations the export keeps
 * (`{kept:…}`, `scope.keptRows`): a time-framed export keeps a few percent of them.
 *
 * Everything computed from a registration's trackings (counts, points, the NPS score, and the
 * time when it comes from the trackings themselves) is computed in one pass: the relations the
 * columns name (trackingCounts, trackingPoints, npsScore, trackingTimes) are members of
 * registrationTrackings (`partOf`), which the composer joins once with the aggregates of the
 * members the query uses. One GROUP BY over trackings ⋈ activities instead of one per relation
 * (at 1,000,000 registrations each was a pass over 5.3M trackings). Counting activities never
 * touches trackings, and tracking days are read only for time inside a window.
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
  name: Rel.registrationTrackings,
  description:
    'Per registration, one pass over its trackings and their activities: computes the aggregates of ' +
    'trackingCounts, trackingPoints, npsScore and trackingTimes (those the query uses) together.',
  join: `LEFT JOIN (
  SELECT t.registration_id,
         ${AGGREGATES_PLACEHOLDER}
  FROM trackings t JOIN activities a ON a.id = t.activity_id
  WHERE {kept:t.registration_id}
  GROUP BY t.registration_id
) AS {alias} ON {alias}.registration_id = registration.id`,
})
export class RegistrationTrackingsRelation extends SqlRelation {}

const COMPLETED = "t.status = 'completed'";

@relation({
  provider: PROVIDER,
  name: Rel.trackingCounts,
  description:
    'Per registration, over its trackings: activities started and finished, any pending feedback, ' +
    'earliest first launch and latest access.',
  partOf: Rel.registrationTrackings,
  aggregates: {
    started: 'count(*) FILTER (WHERE t.first_launch_at IS NOT NULL)',
    finished: `count(*) FILTER (WHERE ${COMPLETED})`,
    pending_feedback: "bool_or(t.status = 'pending_feedback')",
    first_launch_at: 'min(t.first_launch_at)',
    last_access_at: 'max(t.last_access_at)',
  },
})
export class TrackingCountsRelation extends SqlRelation {}

@relation({
  provider: PROVIDER,
  name: Rel.trackingPoints,
  description:
    'Per registration, over its completed trackings and their activities: earned points, completed ' +
    'activities, completed mandatory activities and the latest first completion among those.',
  partOf: Rel.registrationTrackings,
  aggregates: {
    earned_points: `coalesce(sum(a.points) FILTER (WHERE ${COMPLETED}), 0)`,
    completed: `count(*) FILTER (WHERE ${COMPLETED})`,
    completed_mandatory: `count(*) FILTER (WHERE ${COMPLETED} AND a.mandatory)`,
    mandatory_completed_at: `max(t.first_completion_at) FILTER (WHERE ${COMPLETED} AND a.mandatory)`,
  },
})
export class TrackingPointsRelation extends SqlRelation {}

@relation({
  provider: PROVIDER,
  name: Rel.npsScore,
  description: 'Per registration: the score of its latest accessed tracking of an nps activity that holds a score.',
  partOf: Rel.registrationTrackings,
  aggregates: {
    // The latest by (last access, NULL first; id) in one plain aggregate: the greatest array
    // [access, id, score] (an ordered array_agg would sort every group).
    score:
      "(max(ARRAY[coalesce(extract(epoch FROM t.last_access_at), '-Infinity'::numeric), t.id::numeric, t.score::numeric]) " +
      "FILTER (WHERE a.type = 'nps' AND t.score IS NOT NULL))[3]",
  },
})
export class NpsScoreRelation extends SqlRelation {}

const LEARNING_RESOURCE = "a.type = 'learning_resource'";
const CLASSROOM = "a.type IN ('classroom', 'virtual_classroom')";
const DIGITAL = "(a.type IS NULL OR a.type NOT IN ('learning_resource', 'classroom', 'virtual_classroom'))";

/**
 * Per registration: seconds on learning resources (global), classroom and virtual classroom (cbt)
 * and every other activity (digital). In a time-framed export, the time inside the window (tracking
 * days, with timeSpent: its own pass over the window's days) or of the activities last accessed in
 * it (lastActivity); lastActivityCumulative keeps all the time. Time from the trackings themselves
 * is computed in registrationTrackings' pass.
 */
@relation({
  provider: PROVIDER,
  name: Rel.trackingTimes,
  description:
    'Per registration: seconds spent by kind of activity (learning resources, classroom, digital), ' +
    'restricted by the time frames.',
})
export class TrackingTimesRelation extends Contribution<RelationMetadata> implements Relation {
  join(alias: string, _args: Readonly<Record<string, string>>, scope: QueryScope): SqlFragment | SharedAggregates {
    const frames = timeFramesOf(scope);
    const basis = frames ? timeBasis(frames) : 'all';
    if (frames && basis === 'days') {
      const a = rawSql(alias);
      return sql`LEFT JOIN (
  SELECT t.registration_id,
         sum(d.time_spent_s) AS total,
         coalesce(sum(d.time_spent_s) FILTER (WHERE ${rawSql(LEARNING_RESOURCE)}), 0) AS global,
         coalesce(sum(d.time_spent_s) FILTER (WHERE ${rawSql(CLASSROOM)}), 0) AS cbt,
         coalesce(sum(d.time_spent_s) FILTER (WHERE ${rawSql(DIGITAL)}), 0) AS digital
  FROM tracking_days d JOIN trackings t ON t.id = d.tracking_id JOIN activities a ON a.id = t.activity_id
  WHERE ${dayInWindow('d.day', frames)} AND ${scope.keptRows('t.registration_id')}
  GROUP BY t.registration_id
) AS ${a} ON ${a}.registration_id = registration.id`;
    }
    // The trackings' own time: all of it, or that of the trackings last accessed in the window.
    const counted =
      frames && basis === 'lastAccess' ? sql` AND ${instantInWindow('t.last_access_at', frames)}` : rawSql('');
    const bucket = (kind: string) => sql`coalesce(sum(t.time_spent_s) FILTER (WHERE ${rawSql(kind)}${counted}), 0)`;
    return {
      partOf: Rel.registrationTrackings,
      aggregates: {
        total:
          frames && basis === 'lastAccess'
            ? sql`sum(t.time_spent_s) FILTER (WHERE TRUE${counted})`
            : rawSql('sum(t.time_spent_s)'),
        global: bucket(LEARNING_RESOURCE),
        cbt: bucket(CLASSROOM),
        digital: bucket(DIGITAL),
      },
    };
  }
}

/**
 * Delta mode's mark: the newest delta mark of this export guid's succeeded runs (taken by the
 * engine from the database's clock before each run's snapshot, moved back to the oldest open
 * transaction), or -infinity when there is none (the first run exports everything). One row,
 * cross-joined once.
 */
@relation({
  provider: PROVIDER,
  name: Rel.deltaMark,
  description:
    "Delta mark of the last succeeded run of the export's guid (exportkit.export_runs.delta_mark), for delta mode.",
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
  RegistrationTrackingsRelation,
  TrackingCountsRelation,
  TrackingPointsRelation,
  TrackingTimesRelation,
  NpsScoreRelation,
  DeltaMarkRelation,
];
