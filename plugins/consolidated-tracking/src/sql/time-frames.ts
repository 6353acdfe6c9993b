import { rawSql, sql, type QueryScope, type SqlFragment } from '@exportkit/core';
import { Param } from '../names.js';

export const TIME_FRAME_SCALES = [
  'less_than_n_days',
  'less_than_n_months',
  'less_than_n_full_months',
  'less_than_n_years',
  'less_than_n_full_years',
] as const;
export type TimeFrameScale = (typeof TIME_FRAME_SCALES)[number];

/**
 * The largest N per scale: about 2,700 years back at most, so that the window's start stays
 * within PostgreSQL's timestamps (4713 BC) for any reference instant from the year 0001.
 */
export const MAX_TIME_FRAMES: Readonly<Record<TimeFrameScale, number>> = Object.freeze({
  less_than_n_days: 1_000_000,
  less_than_n_months: 30_000,
  less_than_n_full_months: 30_000,
  less_than_n_years: 2_500,
  less_than_n_full_years: 2_500,
});

export const TIME_FRAME_MODES = ['lastActivity', 'lastActivityCumulative', 'timeSpent'] as const;
export type TimeFrameMode = (typeof TIME_FRAME_MODES)[number];

/** The resolved time-frame settings of a run, or undefined when the export is not time-framed. */
export interface TimeFrames {
  n: number;
  scale: TimeFrameScale;
  modes: readonly TimeFrameMode[];
  timeZone: string;
  now: Date;
}

export function timeFramesOf(scope: QueryScope): TimeFrames | undefined {
  const n = scope.param<number | undefined>(Param.timeFrames);
  const scale = scope.param<TimeFrameScale | undefined>(Param.timeFramesScale);
  if (n === undefined || scale === undefined) return undefined;
  const modes = scope.param<TimeFrameMode[] | undefined>(Param.timeFrameScaleMode) ?? [];
  return {
    n,
    scale,
    modes: modes.length ? modes : ['lastActivity'],
    timeZone: scope.param<string | undefined>(Param.timeZone) ?? 'UTC',
    now: scope.now,
  };
}

/** Which time the time columns hold: tracking_days in the window, all time, or activities last accessed in it. */
export function timeBasis(frames: TimeFrames): 'days' | 'all' | 'lastAccess' {
  if (frames.modes.includes('timeSpent')) return 'days';
  if (frames.modes.includes('lastActivityCumulative')) return 'all';
  return 'lastAccess';
}

/** Which activity keeps a registration in a time-framed export: a last access in the window, or (timeSpent alone) a day. */
export function rowBasis(frames: TimeFrames): 'days' | 'lastAccess' {
  return frames.modes.some((m) => m !== 'timeSpent') ? 'lastAccess' : 'days';
}

/** `now` as wall-clock time in the export's time zone (timestamp without time zone). */
function localNow(f: TimeFrames): SqlFragment {
  return sql`(${f.now}::timestamptz AT TIME ZONE ${f.timeZone}::text)`;
}

/** The window's start as a timestamptz: computed by PostgreSQL from bound values, in the time zone. */
export function windowStart(f: TimeFrames): SqlFragment {
  const local = localNow(f);
  let start: SqlFragment;
  switch (f.scale) {
    case 'less_than_n_days':
      start = sql`${local} - make_interval(days => ${f.n}::int)`;
      break;
    case 'less_than_n_months':
      start = sql`${local} - make_interval(months => ${f.n}::int)`;
      break;
    case 'less_than_n_full_months':
      start = sql`date_trunc('month', ${local}) - make_interval(months => ${f.n}::int)`;
      break;
    case 'less_than_n_years':
      start = sql`${local} - make_interval(years => ${f.n}::int)`;
      break;
    case 'less_than_n_full_years':
      start = sql`date_trunc('year', ${local}) - make_interval(years => ${f.n}::int - 1)`;
      break;
  }
  return sql`((${start}) AT TIME ZONE ${f.timeZone}::text)`;
}

/** The window's end: the run's reference instant. */
export function windowEnd(f: TimeFrames): SqlFragment {
  return sql`${f.now}::timestamptz`;
}

/** `expr` (a timestamptz) lies in [start, now]. */
export function instantInWindow(expr: string, f: TimeFrames): SqlFragment {
  return sql`${rawSql(expr)} BETWEEN ${once(windowStart(f))} AND ${once(windowEnd(f))}`;
}

/**
 * A bound computed once per query (an InitPlan) rather than once per row: on the COPY path the
 * bindings are `current_setting()` reads the planner cannot fold, and the window filter scans
 * every tracking (or tracking day) — time zone arithmetic per row cost seconds at 1M registrations.
 */
function once(bound: SqlFragment): SqlFragment {
  return sql`(SELECT ${bound})`;
}

/** `expr` (a date) lies between start's day and now's day, both in the time zone, inclusive. */
export function dayInWindow(expr: string, f: TimeFrames): SqlFragment {
  const startDay = sql`(${windowStart(f)} AT TIME ZONE ${f.timeZone}::text)::date`;
  const endDay = sql`(${localNow(f)})::date`;
  return sql`${rawSql(expr)} BETWEEN ${once(startDay)} AND ${once(endDay)}`;
}
