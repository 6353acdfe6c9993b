import { CommanderError } from 'commander';
import { ExportkitError, TemplateError } from '@exportkit/core';
import { DatabaseTargetError } from '@exportkit/db';

/** Exit codes: 0 success, 1 run failure, 2 bad template or usage, 130 interrupted. */
export const EXIT_INTERRUPTED = 130;

export function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  if (error instanceof ExportkitError || error instanceof DatabaseTargetError) return error.exitCode;
  if (isAbort(error)) return EXIT_INTERRUPTED;
  return 1;
}

export function reportError(error: unknown): void {
  if (error instanceof CommanderError) return; // commander printed it already
  if (error instanceof TemplateError) {
    process.stderr.write(`exportkit: ${error.message}\n`);
  } else if (isAbort(error)) {
    process.stderr.write('exportkit: interrupted; no file of this run was kept\n');
  } else if (error instanceof ExportkitError || error instanceof DatabaseTargetError) {
    process.stderr.write(`exportkit: ${error.message}\n`);
  } else {
    const e = error as Error;
    process.stderr.write(`exportkit: ${e?.message ?? String(error)}\n`);
    if (process.env['EXPORTKIT_DEBUG']) process.stderr.write(`${e?.stack ?? ''}\n`);
  }
}

function isAbort(error: unknown): boolean {
  return (error as { name?: string })?.name === 'AbortError';
}
