import { SqlColumn, column } from '@exportkit/core';
import { Param, PROVIDER, Rel } from '../names.js';

const TIME_PARAMETERS = [Param.timeGlobalFormat, Param.timeFrames, Param.timeFramesScale, Param.timeFrameScaleMode];
const RESTRICTED =
  ' In a time-framed export: the time inside the window (timeSpent mode), all the time (lastActivityCumulative), ' +
  'or the time of the activities last accessed inside the window (lastActivity).';

@column({
  provider: PROVIDER,
  name: 'sessionTimeGlobal',
  aliases: ['timeGlobal'],
  type: 'duration',
  description: 'Time spent on learning resources, rendered by sessionTimeGlobalFormat.' + RESTRICTED,
  relations: [Rel.trackingTimes],
  sql: 'coalesce(trackingTimes.global, 0)',
  parameters: TIME_PARAMETERS,
})
export class SessionTimeGlobalColumn extends SqlColumn {}

@column({
  provider: PROVIDER,
  name: 'timeSpentCBT',
  aliases: ['timeSpentCB'],
  type: 'duration',
  description:
    'Time spent in classroom and virtual classroom activities, rendered by sessionTimeGlobalFormat.' + RESTRICTED,
  relations: [Rel.trackingTimes],
  sql: 'coalesce(trackingTimes.cbt, 0)',
  parameters: TIME_PARAMETERS,
})
export class TimeSpentCBTColumn extends SqlColumn {}

@column({
  provider: PROVIDER,
  name: 'timeSpentDigital',
  type: 'duration',
  description:
    'Time spent on every other activity (assessments, surveys, assignments, nps), rendered by sessionTimeGlobalFormat.' +
    RESTRICTED,
  relations: [Rel.trackingTimes],
  sql: 'coalesce(trackingTimes.digital, 0)',
  parameters: TIME_PARAMETERS,
})
export class TimeSpentDigitalColumn extends SqlColumn {}

@column({
  provider: PROVIDER,
  name: 'sessionTimeSpent',
  aliases: ['timeSpent'],
  type: 'duration',
  description: 'sessionTimeGlobal + timeSpentCBT + timeSpentDigital, rendered by sessionTimeGlobalFormat.' + RESTRICTED,
  relations: [Rel.trackingTimes],
  sql: 'coalesce(trackingTimes.total, 0)',
  parameters: TIME_PARAMETERS,
})
export class SessionTimeSpentColumn extends SqlColumn {}

export const timeColumns = [
  SessionTimeGlobalColumn,
  TimeSpentCBTColumn,
  TimeSpentDigitalColumn,
  SessionTimeSpentColumn,
];
