import {
  Contribution,
  pipelineStep,
  type PipelineStep,
  type PipelineStepMetadata,
  type RunContext,
} from '@exportkit/core';
import { dataPath, listFiles, pathProblems, removeFile } from '../files/step-files.js';

const DAY_MS = 86_400_000;

/**
 * `cleanFolder` (consolidator 6): deletes the files of a folder older than `cleanOlderThan`
 * days (default 30), measured from the run's `now` (`--now` included) against each file's
 * modification time.
 *
 * - `dataFolderPath`: relative to the data directory, default `exports`; the folder and its
 *   sub-folders (archive…) are cleaned. Hidden entries (temporary files, `.exportkit-work`) and
 *   symbolic links are left alone, and so are the files of this run.
 * - `cleanLogs`: also delete old `.log` files (timeLogger's); default no.
 *
 * Nothing is lost if the run fails afterwards: the old files are set aside under temporary
 * names and deleted only when the run succeeded, restored otherwise.
 */
@pipelineStep({
  name: 'cleanFolder',
  phase: 'consolidator',
  order: 6,
  description: 'Deletes the files of a folder (and its sub-folders) older than a number of days.',
  options: {
    dataFolderPath: {
      type: { kind: 'string', nonEmpty: true },
      description: 'Folder to clean, relative to the data directory.',
      default: 'exports',
    },
    cleanLogs: { type: { kind: 'yesno' }, description: 'Also delete old .log files.', default: false },
    cleanOlderThan: {
      type: { kind: 'int', min: 0 },
      description: 'Age in days from which a file is deleted.',
      default: 30,
    },
  },
})
export class CleanFolder extends Contribution<PipelineStepMetadata> implements PipelineStep<RunContext> {
  check(options: Readonly<Record<string, unknown>>): string[] {
    return pathProblems(options, 'cleanFolder', ['dataFolderPath']);
  }

  async run(context: RunContext, options: Readonly<Record<string, unknown>>): Promise<void> {
    const folder = dataPath(context, String(options['dataFolderPath']), 'cleanFolder.dataFolderPath');
    const days = Number(options['cleanOlderThan'] ?? 30);
    const cleanLogs = options['cleanLogs'] === true;
    const limit = context.now.getTime() - days * DAY_MS;
    let removed = 0;
    for (const file of await listFiles(folder, { recursive: true })) {
      if (context.journal.isCreated(file.path)) continue;
      if (!cleanLogs && file.name.toLowerCase().endsWith('.log')) continue;
      if (file.mtimeMs >= limit) continue;
      await removeFile(context, file.path);
      context.log(`cleanFolder: ${file.name} deleted (older than ${days} days)`);
      removed += 1;
    }
    context.log(`cleanFolder: ${removed} file(s) older than ${days} days deleted from ${folder}`);
  }
}
