import { ExportkitError } from '@exportkit/core';

/** A command line that cannot be understood (exit code 2, like a bad template). */
export class UsageError extends ExportkitError {
  override readonly exitCode = 2;
}
