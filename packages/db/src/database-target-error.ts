/**
 * A database target (`--db`, DATABASE_URL, `databaseUrl`) that names no database exportkit can
 * open: an unsupported scheme, a `file:` without a path, a URL without a host. It is a mistake
 * in the command line or the configuration, so the command line exits with `exitCode` 2 (a
 * server that cannot be reached is not this error: that is a failed run).
 */
export class DatabaseTargetError extends Error {
  readonly exitCode = 2;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DatabaseTargetError';
  }
}
