import { writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  BOUNDS,
  Contribution,
  pipelineStep,
  type PipelineStep,
  type PipelineStepMetadata,
  type RunContext,
} from '@exportkit/core';
import { expandPattern } from '../actions/file-name-pattern.js';
import {
  dataPath,
  ensureFolder,
  isInside,
  namePatternProblems,
  pathProblems,
  patternCandidates,
  patternValues,
  placeFile,
} from '../files/step-files.js';

/**
 * `generateEndFile` (consolidator 5): a marker file telling a reader the export is complete.
 *
 * "Once everything else succeeded" is taken literally: the marker is the last file of the run,
 * written after every consolidator, every post-process step (packager, uploads…) and the
 * default package, just before the run is recorded as succeeded. The step, run in its
 * consolidator slot, checks its options and resolves its folder at once (a bad path fails the
 * run before anything else happens) and hands the writing to `context.whenComplete`. An engine
 * without that hook gets the marker at once, still journaled (removed if a later step fails).
 *
 * - `fileName`: pattern, default `%n.end`; claimed atomically: a name already taken (an earlier
 *   run's marker) is never replaced — `%i` counts on, a fixed name gets `-2`, `-3`….
 * - `folderPath`: relative to the data directory; default: beside the run's files when they are
 *   final by then (moved, or packaged inside the data directory), else `exports`.
 * - `fileContent`: the text written (pattern tokens expanded; default empty).
 */
@pipelineStep({
  name: 'generateEndFile',
  phase: 'consolidator',
  order: 5,
  description: 'Writes a marker file once everything else of the run succeeded (after post-processing and packaging).',
  options: {
    fileName: {
      type: { kind: 'string', nonEmpty: true, maxLength: BOUNDS.fileNamePattern },
      description: 'Marker file name pattern (%y %m %d %H %M %S %g %n %i).',
      default: '%n.end',
    },
    folderPath: {
      type: { kind: 'string', nonEmpty: true },
      description:
        "Folder of the marker, relative to the data directory; default: beside the run's files, else exports.",
    },
    fileContent: {
      type: { kind: 'string' },
      description: 'Text of the marker (pattern tokens expanded); default empty.',
      default: '',
    },
  },
})
export class GenerateEndFile extends Contribution<PipelineStepMetadata> implements PipelineStep<RunContext> {
  check(options: Readonly<Record<string, unknown>>): string[] {
    return [
      ...pathProblems(options, 'generateEndFile', ['folderPath']),
      ...namePatternProblems(options, 'generateEndFile', ['fileName']),
    ];
  }

  async run(context: RunContext, options: Readonly<Record<string, unknown>>): Promise<void> {
    const given = options['folderPath'];
    // Resolved now, so a path outside the data directory fails before post-processing.
    const fixedFolder = typeof given === 'string' ? dataPath(context, given, 'generateEndFile.folderPath') : undefined;
    const write = async () => {
      const folder = fixedFolder ?? defaultFolder(context);
      await ensureFolder(context, folder, 'generateEndFile.folderPath');
      const candidates = patternCandidates(
        folder,
        String(options['fileName']),
        patternValues(context),
        'generateEndFile.fileName',
      );
      const tempPath = context.journal.temporaryFor(candidates(1));
      await writeFile(tempPath, expandPattern(String(options['fileContent'] ?? ''), patternValues(context)), 'utf8');
      const finalPath = await placeFile(context, tempPath, candidates);
      context.log(`generateEndFile: ${finalPath}`);
    };
    if (context.whenComplete) context.whenComplete(write);
    else await write();
  }
}

/** Beside the run's first final file inside the data directory, else `exports`. */
function defaultFolder(context: RunContext): string {
  const final = context.files
    .map((f) => dirname(f.path))
    .find((dir) => !isInside(context.workDir, dir) && isInside(context.paths.root, dir));
  return final ?? dataPath(context, 'exports', 'generateEndFile.folderPath');
}
