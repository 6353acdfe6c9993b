import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  BOUNDS,
  Contribution,
  pipelineStep,
  type PipelineStep,
  type PipelineStepMetadata,
  type ProducedFile,
  type RunContext,
} from '@exportkit/core';
import {
  dataPath,
  ensureFolder,
  extensionOf,
  moveFile,
  namePatternProblems,
  numberedCandidates,
  pathProblems,
  patternCandidates,
  patternValues,
  removeFile,
} from '../files/step-files.js';

/**
 * `moveToFolder` (consolidator 2): moves the run's report files into a folder of the data
 * directory, optionally renamed by a pattern.
 *
 * - `folderPath` (mandatory) is resolved inside the data directory.
 * - `fileName` names each file (PIPELINE.md patterns); when the expanded name has no extension,
 *   the file's own is appended (`report_%y%m%d` → `report_20210301.csv`, `….xlsx`).
 * - Names are claimed atomically and never replace a file (of an earlier run, of a concurrent
 *   run or of this one): `%i` counts on to the first free name, a fixed name gets `-2`, `-3`….
 * - `deleteEmptyFiles`: report files without data rows (or of 0 bytes) are deleted instead.
 *
 * Moves go through the journal: a failure later in the run removes the moved files.
 */
@pipelineStep({
  name: 'moveToFolder',
  phase: 'consolidator',
  order: 2,
  description: 'Moves the report files into a folder of the data directory, renamed by a file name pattern.',
  options: {
    folderPath: {
      type: { kind: 'string', nonEmpty: true },
      description: 'Target folder, relative to the data directory.',
      required: true,
    },
    fileName: {
      type: { kind: 'string', nonEmpty: true, maxLength: BOUNDS.fileNamePattern },
      description:
        "File name pattern (%y %m %d %H %M %S %g %n %i); the file's extension is added when the name has none. Default: the file's name.",
    },
    deleteEmptyFiles: {
      type: { kind: 'yesno' },
      description: 'Delete report files without data rows instead of moving them.',
      default: false,
    },
  },
})
export class MoveToFolder extends Contribution<PipelineStepMetadata> implements PipelineStep<RunContext> {
  check(options: Readonly<Record<string, unknown>>): string[] {
    return [
      ...pathProblems(options, 'moveToFolder', ['folderPath']),
      ...namePatternProblems(options, 'moveToFolder', ['fileName']),
    ];
  }

  async run(context: RunContext, options: Readonly<Record<string, unknown>>): Promise<void> {
    const folder = dataPath(context, String(options['folderPath']), 'moveToFolder.folderPath');
    const pattern = options['fileName'] as string | undefined;
    const deleteEmpty = options['deleteEmptyFiles'] === true;
    await ensureFolder(context, folder, 'moveToFolder.folderPath');
    const kept: ProducedFile[] = [];
    for (const file of context.files) {
      if (deleteEmpty && (await isEmpty(file))) {
        await removeFile(context, file.path);
        context.log(`moveToFolder: ${basename(file.path)} has no rows; deleted`);
        continue;
      }
      const extension = extensionOf(basename(file.path));
      // The file keeps its extension when the pattern gives none.
      const withExtension = (name: string) => (extensionOf(name) === '' ? name + extension : name);
      const candidates =
        pattern === undefined
          ? numberedCandidates(folder, basename(file.path))
          : patternCandidates(folder, pattern, patternValues(context), 'moveToFolder.fileName', withExtension);
      const target = await moveFile(context, file.path, candidates);
      context.log(`moveToFolder: ${basename(file.path)} → ${target}`);
      kept.push({ ...file, path: target });
    }
    context.files = kept;
  }
}

async function isEmpty(file: ProducedFile): Promise<boolean> {
  if (file.rows !== undefined) return file.rows === 0;
  return (await stat(file.path)).size === 0;
}
