import { FileJournal, type Logger } from '@exportkit/core';
import { EXIT_INTERRUPTED } from './errors.js';

/**
 * What a long-running command (`worker`, `serve`) waits for: the first SIGINT/SIGTERM resolves
 * it, so the command stops taking runs and gives the running ones `shutdownTimeout` seconds; a
 * second one rolls the running exports' files back synchronously and exits at once.
 */
export function stopSignals(logger: Logger, command: string, shutdownTimeout: number): Promise<void> {
  return new Promise<void>((resolve) => {
    let stopping = false;
    const stop = () => {
      if (stopping) {
        FileJournal.undoAllNow();
        process.stderr.write("exportkit: interrupted twice; the running exports' files were rolled back\n");
        process.exit(EXIT_INTERRUPTED);
      }
      stopping = true;
      logger.info({}, `${command}: stopping; running exports have ${shutdownTimeout} s to finish`);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
