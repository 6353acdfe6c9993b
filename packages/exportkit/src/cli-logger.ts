import { pino } from 'pino';
import type { Logger } from '@exportkit/core';

export type LogFormat = 'text' | 'json';

/**
 * The command line's logger, on stderr: `text` gives human lines (`warning: [run 12] …`), `json`
 * one pino JSON object per line (level, time, pid, hostname, runId, export, msg) for a log
 * shipper. The progress display is a separate stream (progress-reporter.ts).
 */
export function cliLogger(format: LogFormat = 'text', stream: NodeJS.WritableStream = process.stderr): Logger {
  if (format === 'json')
    return pino(
      { base: { pid: process.pid, hostname: undefined } },
      pino.destination({ fd: 2, sync: true }),
    ) as unknown as Logger;
  return textLogger(stream, {});
}

function textLogger(stream: NodeJS.WritableStream, context: Record<string, unknown>): Logger {
  const prefix = context['runId'] !== undefined ? `[run ${String(context['runId'])}] ` : '';
  const line = (level: string) => (_fields: Record<string, unknown>, message: string) =>
    void stream.write(`${level}${prefix}${message}\n`);
  return {
    info: line('  '),
    warn: line('warning: '),
    error: line('error: '),
    child: (fields) => textLogger(stream, { ...context, ...fields }),
  };
}
