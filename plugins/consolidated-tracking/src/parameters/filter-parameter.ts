// The filter base classes are core's, exported for every plugin.
export { FilterParameter, OnlyWhenYesParameter } from '@exportkit/core';
