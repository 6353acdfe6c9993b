/** The provider's canonical name, which every column, parameter and relation names. */
export const PROVIDER = 'consolidatedTracking';

/** Canonical parameter names read by columns, relations and filters. */
export const Param = {
  dateFormat: 'dateFormat',
  dateTimeFormat: 'dateTimeFormat',
  timeZone: 'timeZone',
  statusFormat: 'statusFormat',
  trainingStatusFormat: 'trainingStatusFormat',
  timeGlobalFormat: 'sessionTimeGlobalFormat',
  ancestorsWithCurrent: 'ancestorsWithCurrent',
  preferredLocales: 'sessionPreferredLocales',
  templates: 'templates',
  stripHtml: 'stripHTML',
  maxLength: 'maxLength',
  timeFrames: 'sessionTimeFrames',
  timeFramesScale: 'sessionTimeFramesScale',
  timeFrameScaleMode: 'sessionTimeFrameScaleMode',
  withoutLaunchTime: 'withoutLaunchTime',
  deltaMode: 'deltaMode',
} as const;

/** Relation names (each is also the SQL alias of its join). */
export const Rel = {
  learner: 'learner',
  entity: 'entity',
  entityAncestors: 'entityAncestors',
  customFieldValue: 'customFieldValue',
  smartgroups: 'smartgroups',
  session: 'session',
  training: 'training',
  publisher: 'publisher',
  sessionTitle: 'sessionTitleTranslation',
  trainingTitle: 'trainingTitleTranslation',
  activityTotals: 'activityTotals',
  registrationTrackings: 'registrationTrackings',
  trackingCounts: 'trackingCounts',
  trackingPoints: 'trackingPoints',
  trackingTimes: 'trackingTimes',
  npsScore: 'npsScore',
  deltaMark: 'deltaMark',
} as const;
