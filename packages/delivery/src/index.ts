import { pluginModule } from '@exportkit/core';
import { CallBackUrl } from './callback-url.js';

export { CallBackUrl } from './callback-url.js';

/** The delivery steps this package contributes. */
export const DELIVERY_STEP_CLASSES = [CallBackUrl] as const;

export default pluginModule([...DELIVERY_STEP_CLASSES]);
