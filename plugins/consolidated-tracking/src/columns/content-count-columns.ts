import { SqlColumn, column } from '@exportkit/core';
import { PROVIDER, Rel } from '../names.js';

@column({
  provider: PROVIDER,
  name: 'nbLO',
  type: 'int',
  description: "Number of activities (learning objects) in the registration's session.",
  relations: [Rel.activityTotals],
  sql: 'coalesce(activityTotals.activities, 0)',
})
export class NbLOColumn extends SqlColumn {}

@column({
  provider: PROVIDER,
  name: 'nbLOStarted',
  type: 'int',
  description: "Number of the session's activities that the learner launched (their tracking has a first launch).",
  relations: [Rel.trackingCounts],
  sql: 'coalesce(trackingCounts.started, 0)',
})
export class NbLOStartedColumn extends SqlColumn {}

@column({
  provider: PROVIDER,
  name: 'nbLOFinished',
  type: 'int',
  description: "Number of the session's activities whose tracking is completed.",
  relations: [Rel.trackingCounts],
  sql: 'coalesce(trackingCounts.finished, 0)',
})
export class NbLOFinishedColumn extends SqlColumn {}

export const contentCountColumns = [NbLOColumn, NbLOStartedColumn, NbLOFinishedColumn];
