/**
 * What the engine logs to: the subset of pino's interface it uses, so a host passes its own
 * pino (or any logger with these methods) and gets the engine's lines with its own. Each line
 * carries the fields of its context (`runId`, `export`): a platform can follow one run.
 * Progress (rows, phases) is not logged: it goes to the `onProgress` listener, a separate stream.
 */
export interface Logger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
  /** A logger adding `fields` to every line (pino's child loggers). */
  child(fields: Record<string, unknown>): Logger;
}

/** The default for a library: says nothing. */
export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
