import { ExportkitError } from '../errors/exportkit-error.js';

/** An engine or run option a host gave that cannot be used (e.g. an Invalid Date as `now`). */
export class InvalidEngineOptionError extends ExportkitError {
  override readonly exitCode = 2;
}
