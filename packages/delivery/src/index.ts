import { pluginModule } from '@exportkit/core';
import { CallBackUrl } from './callback-url.js';
import { RemoteResourceUploader } from './remote-resource-uploader.js';
import { PgpEncryption } from './pgp-encryption.js';

export { CallBackUrl } from './callback-url.js';
export { PgpEncryption } from './pgp-encryption.js';
export { RemoteResourceUploader, fingerprint } from './remote-resource-uploader.js';

/** The delivery steps this package contributes. */
export const DELIVERY_STEP_CLASSES = [CallBackUrl, PgpEncryption, RemoteResourceUploader] as const;

export default pluginModule([...DELIVERY_STEP_CLASSES]);
