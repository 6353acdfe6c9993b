import { pluginModule } from '@exportkit/core';
import { ConsolidatedTrackingProvider } from './provider.js';
import { learnerRelations } from './relations/learner-relations.js';
import { catalogueRelations } from './relations/catalogue-relations.js';
import { aggregateRelations } from './relations/aggregate-relations.js';
import { candidateColumns } from './columns/candidate-columns.js';
import { contentCountColumns } from './columns/content-count-columns.js';
import { sessionColumns } from './columns/session-columns.js';
import { trainingColumns } from './columns/training-columns.js';
import { progressColumns } from './columns/progress-columns.js';
import { timeColumns } from './columns/time-columns.js';
import { otherColumns } from './columns/other-columns.js';
import { catalogueFilterParameters } from './parameters/catalogue-filter-parameters.js';
import { learnerFilterParameters } from './parameters/learner-filter-parameters.js';
import { registrationFilterParameters } from './parameters/registration-filter-parameters.js';
import { timeFrameParameters } from './parameters/time-frame-parameters.js';
import { renderingParameters } from './parameters/rendering-parameters.js';

export { PROVIDER, Param, Rel } from './names.js';
export { MAX_TIME_FRAMES } from './sql/time-frames.js';
export { ConsolidatedTrackingProvider };

/** Every column, in the order of the user's document. */
export const consolidatedTrackingColumns = [
  ...candidateColumns,
  ...contentCountColumns,
  ...sessionColumns,
  ...trainingColumns,
  ...progressColumns,
  ...timeColumns,
  ...otherColumns,
];

export const consolidatedTrackingParameters = [
  ...catalogueFilterParameters,
  ...learnerFilterParameters,
  ...registrationFilterParameters,
  ...timeFrameParameters,
  ...renderingParameters,
];

export const consolidatedTrackingRelations = [...learnerRelations, ...catalogueRelations, ...aggregateRelations];

/** The plugin: the consolidatedTracking provider, its relations, columns and parameters. */
export default pluginModule([
  ConsolidatedTrackingProvider,
  ...consolidatedTrackingRelations,
  ...consolidatedTrackingColumns,
  ...consolidatedTrackingParameters,
]);
