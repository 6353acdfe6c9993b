import {
  Contribution,
  parameter,
  sql,
  type Parameter,
  type ParameterMetadata,
  type QueryScope,
  type SqlFragment,
} from '@exportkit/core';
import { Param, PROVIDER } from '../names.js';
import {
  dayInWindow,
  instantInWindow,
  MAX_TIME_FRAMES,
  rowBasis,
  TIME_FRAME_MODES,
  TIME_FRAME_SCALES,
  timeFramesOf,
  type TimeFrameScale,
} from '../sql/time-frames.js';

@parameter({
  provider: PROVIDER,
  name: Param.timeFrames,
  aliases: ['timeFrames'],
  kind: 'filter',
  valueType: { kind: 'int', min: 0, max: MAX_TIME_FRAMES.less_than_n_days },
  description:
    'N, the size of the time window in units of sessionTimeFramesScale (which it needs). A time-framed export ' +
    'keeps only the registrations with activity in the window and restricts the time columns to it. So that the ' +
    `window starts at a date PostgreSQL holds, N is at most ${MAX_TIME_FRAMES.less_than_n_days.toLocaleString('en-US')} days, ` +
    `${MAX_TIME_FRAMES.less_than_n_months.toLocaleString('en-US')} months or ${MAX_TIME_FRAMES.less_than_n_years.toLocaleString('en-US')} years.`,
})
export class SessionTimeFramesParameter extends Contribution<ParameterMetadata> implements Parameter {
  check(value: unknown, all: ReadonlyMap<string, unknown>, given: ReadonlySet<string>): string[] {
    if (!given.has(Param.timeFramesScale))
      return ['sessionTimeFrames (timeFrames) needs sessionTimeFramesScale (timeFramesScale)'];
    const scale = all.get(Param.timeFramesScale) as TimeFrameScale | undefined;
    const max = scale === undefined ? undefined : MAX_TIME_FRAMES[scale];
    return max !== undefined && typeof value === 'number' && value > max
      ? [`${value} is out of range for ${scale}; allowed: a whole number from 0 to ${max.toLocaleString('en-US')}`]
      : [];
  }
}

@parameter({
  provider: PROVIDER,
  name: Param.timeFramesScale,
  narrows: true,
  aliases: ['timeFramesScale'],
  kind: 'filter',
  valueType: { kind: 'enum', values: TIME_FRAME_SCALES },
  description:
    "The unit of sessionTimeFrames (which it needs); the window is [start, now], now being the run's reference " +
    'instant in timeZone: less_than_n_days (start = now − N days), less_than_n_months (now − N calendar months), ' +
    "less_than_n_full_months (00:00 on the 1st of the month N months before now's month), less_than_n_years " +
    "(now − N years), less_than_n_full_years (00:00 on 1 January of now's year − N + 1).",
})
export class SessionTimeFramesScaleParameter extends Contribution<ParameterMetadata> implements Parameter {
  /** The window filter: activity in [start, now] (a last access, or for timeSpent alone a tracking day). */
  where(_value: unknown, scope: QueryScope): SqlFragment | undefined {
    const frames = timeFramesOf(scope);
    if (!frames) return undefined;
    if (rowBasis(frames) === 'days') {
      return sql`EXISTS (SELECT 1 FROM trackings t JOIN tracking_days d ON d.tracking_id = t.id WHERE t.registration_id = registration.id AND ${dayInWindow('d.day', frames)})`;
    }
    return sql`EXISTS (SELECT 1 FROM trackings t WHERE t.registration_id = registration.id AND ${instantInWindow('t.last_access_at', frames)})`;
  }

  check(_value: unknown, _all: ReadonlyMap<string, unknown>, given: ReadonlySet<string>): string[] {
    return given.has(Param.timeFrames)
      ? []
      : ['sessionTimeFramesScale (timeFramesScale) needs sessionTimeFrames (timeFrames)'];
  }
}

@parameter({
  provider: PROVIDER,
  name: Param.timeFrameScaleMode,
  aliases: ['timeFrameScaleMode', 'timeFramesScaleMode'],
  kind: 'filter',
  valueType: { kind: 'list', item: { kind: 'enum', values: TIME_FRAME_MODES } },
  default: ['lastActivity'],
  defaultText: 'lastActivity',
  description:
    'How time frames apply (a list of lastActivity, lastActivityCumulative, timeSpent). Rows: a last access in ' +
    'the window (lastActivity, lastActivityCumulative) or, for timeSpent alone, a tracking day in it. Time ' +
    'columns: with timeSpent, the time of the tracking days in the window; else with lastActivityCumulative, all ' +
    'the time; else the total time of the activities last accessed in the window.',
})
export class SessionTimeFrameScaleModeParameter extends Contribution<ParameterMetadata> implements Parameter {
  check(_value: unknown, _all: ReadonlyMap<string, unknown>, given: ReadonlySet<string>): string[] {
    return given.has(Param.timeFrames) || given.has(Param.timeFramesScale)
      ? []
      : ['warning: sessionTimeFrameScaleMode has no effect without sessionTimeFrames and sessionTimeFramesScale'];
  }
}

export const timeFrameParameters = [
  SessionTimeFramesParameter,
  SessionTimeFramesScaleParameter,
  SessionTimeFrameScaleModeParameter,
];
