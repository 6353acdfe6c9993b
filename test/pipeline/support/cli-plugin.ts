/*
 * The plugin the CLI tests pass with --plugin: the demo provider, the test steps (failing step,
 * slow column) and, unless @exportkit/writers registers them already, the writers' steps.
 */
import { pluginModule } from '@exportkit/core';
import { demoClasses } from '../../support/test-provider.js';
import { testStepClasses, unwiredStepClasses } from './steps.js';

export default pluginModule([...demoClasses, ...testStepClasses, ...unwiredStepClasses]);
