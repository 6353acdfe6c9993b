import cliProgress from 'cli-progress';
import type { ProgressEvent } from '@exportkit/core';

/**
 * Shows a run's progress: a live bar with rows and rate on a terminal, plain lines otherwise
 * (logs, CI), so long exports are never silent.
 */
export function createProgressReporter(stream: NodeJS.WriteStream = process.stderr): {
  listener: (event: ProgressEvent) => void;
  stop(): void;
} {
  const interactive = stream.isTTY === true;
  let bar: cliProgress.SingleBar | undefined;
  let lastLine = 0;
  /** The planner's estimate of the current export's rows, when the engine gave one. */
  let estimate: number | undefined;
  /** ` of ~N (estimate), about S s left`, while the estimate still lies ahead. */
  const totalText = (rows: number, rate: number): string => {
    if (estimate === undefined || estimate <= rows || rate <= 0) return '';
    return ` of ~${estimate} (estimate), about ${Math.ceil((estimate - rows) / rate)} s left`;
  };
  const stop = () => {
    bar?.stop();
    bar = undefined;
  };
  const listener = (event: ProgressEvent) => {
    switch (event.type) {
      case 'export-started':
        estimate = undefined;
        if (interactive) {
          bar = new cliProgress.SingleBar(
            {
              format: `${event.exportName} | {rows} rows{total} | {rate} rows/s | {duration_formatted}`,
              stream,
              hideCursor: true,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(0, 0, { rows: 0, rate: 0, total: '' });
        } else {
          stream.write(`export ${event.exportName} (${event.index + 1}/${event.of}) started\n`);
        }
        break;
      case 'estimate':
        estimate = event.rows;
        break;
      case 'rows': {
        const rate = Math.round(event.rows / Math.max(event.elapsedMs / 1000, 0.001));
        const total = totalText(event.rows, rate);
        if (bar) bar.update(0, { rows: event.rows, rate, total });
        else if (event.elapsedMs - lastLine >= 5000) {
          lastLine = event.elapsedMs;
          stream.write(`  ${event.rows} rows${total}, ${rate} rows/s\n`);
        }
        break;
      }
      case 'export-finished':
        stop();
        stream.write(`export ${event.exportName}: ${event.rows} rows in ${(event.elapsedMs / 1000).toFixed(1)} s\n`);
        break;
      case 'warning':
      case 'log':
        break; // the logger's (cli-logger.ts): progress and logs are separate streams
      case 'phase':
      case 'run-recorded':
        break;
    }
  };
  return { listener, stop };
}
