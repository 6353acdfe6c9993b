import { pluginModule } from '@exportkit/core';
import { CallBackUrl } from './callback-url.js';
import { EmailReport } from './email-report.js';
import { RemoteResourceUploader } from './remote-resource-uploader.js';
import { PgpEncryption } from './pgp-encryption.js';

export { CallBackUrl } from './callback-url.js';
export { EmailReport } from './email-report.js';
export { PgpEncryption } from './pgp-encryption.js';
export { RemoteResourceUploader, fingerprint } from './remote-resource-uploader.js';

/** The delivery steps this package contributes. */
export const DELIVERY_STEP_CLASSES = [EmailReport, CallBackUrl, PgpEncryption, RemoteResourceUploader] as const;

export default pluginModule([...DELIVERY_STEP_CLASSES]);
