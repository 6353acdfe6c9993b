import { Contribution, provider, type Provider, type ProviderMetadata } from '@exportkit/core';
import { Param, PROVIDER } from './names.js';

@provider({
  name: PROVIDER,
  element: 'consolidatedTrackingProvider',
  description:
    "The learner's tracking summarised per session: one row per registration (a learner in a training " +
    'session), ordered by registration id, with the learner, the session and its training, progress, ' +
    'scores, status and time spent by kind of activity.',
  baseTable: 'registrations',
  baseAlias: 'registration',
  orderBy: 'registration.id',
  formatting: {
    dateFormat: Param.dateFormat,
    dateTimeFormat: Param.dateTimeFormat,
    timeZone: Param.timeZone,
    durationFormat: Param.timeGlobalFormat,
    stripHtml: Param.stripHtml,
    maxLength: Param.maxLength,
  },
})
export class ConsolidatedTrackingProvider extends Contribution<ProviderMetadata> implements Provider {}
