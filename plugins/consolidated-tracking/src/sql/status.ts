import { rawSql, type QueryScope, type SqlFragment } from '@exportkit/core';
import { Rel } from '../names.js';

/** Raw values of the session status (mapped to texts by statusFormat). */
export const SessionStatus = {
  completed: 'completed',
  incomplete: 'incomplete',
  notAttempted: 'not attempted',
} as const;

/**
 * completed when the registration reached its threshold; else incomplete when any activity was
 * launched; else not attempted.
 */
export function sessionStatusExpression(scope: QueryScope): SqlFragment {
  const counts = scope.use(Rel.trackingCounts);
  return rawSql(
    `CASE WHEN registration.threshold_reached_at IS NOT NULL THEN '${SessionStatus.completed}' ` +
      `WHEN coalesce(${counts}.started, 0) > 0 THEN '${SessionStatus.incomplete}' ` +
      `ELSE '${SessionStatus.notAttempted}' END`,
  );
}

/** A registration has a launched activity: a tracking with a first launch. */
export const LAUNCHED = rawSql(
  'EXISTS (SELECT 1 FROM trackings t WHERE t.registration_id = registration.id AND t.first_launch_at IS NOT NULL)',
);
