import { basename, dirname, join } from 'node:path';
import { Contribution, ExportkitError, pipelineStep, type PipelineStep, type PipelineStepMetadata, type RunContext } from '@exportkit/core';
import { expandPattern, isSafeName } from '../actions/file-name-pattern.js';
import { dataPath, ensureFolder, isInside, listFiles, moveFile, numbered, pathExistsSync, pathProblems, patternValues, safeFileName } from '../files/step-files.js';

/** The folder the default package writes to, relative to the data directory. */
const DEFAULT_SOURCE = 'exports';

/**
 * `archive` (consolidator 4): moves the earlier files of an export out of the way, keeping the
 * newest — this run's.
 *
 * Every file directly in the source folder whose name starts with `prefix` and that this run
 * did not create is moved into `folderPath` (a name already there gets `-2`, `-3`…, so no
 * archived file is overwritten). The source folder is `sourceFolderPath` when given, else the
 * folder(s) this run's files were moved to (moveToFolder), else `exports` (where the default
 * package goes, which then adds the newest after the archive ran). `prefix` is a pattern (%n,
 * %g, dates), default `%n`, the export name. A failed run moves the files back.
 */
@pipelineStep({
  name: 'archive',
  phase: 'consolidator',
  order: 4,
  description: 'Moves every earlier file starting with prefix into folderPath, keeping the newest (this run\'s).',
  options: {
    folderPath: { type: { kind: 'string', nonEmpty: true }, description: 'Archive folder, relative to the data directory.', default: 'exports/archive' },
    prefix: {
      type: { kind: 'string', nonEmpty: true },
      description: 'Files whose name starts with this (a pattern: %n %g %y…) are archived; default: the export name as package names spell it.',
    },
    sourceFolderPath: {
      type: { kind: 'string', nonEmpty: true },
      description: "Folder holding the earlier files; default: the folder moveToFolder moved this run's files to, else exports.",
    },
  },
})
export class Archive extends Contribution<PipelineStepMetadata> implements PipelineStep<RunContext> {
  check(options: Readonly<Record<string, unknown>>): string[] {
    return pathProblems(options, 'archive', ['folderPath', 'sourceFolderPath']);
  }

  async run(context: RunContext, options: Readonly<Record<string, unknown>>): Promise<void> {
    const archiveFolder = dataPath(context, String(options['folderPath']), 'archive.folderPath');
    const given = options['prefix'];
    const prefix = typeof given === 'string' ? expandPattern(given, patternValues(context)) : safeFileName(context.exportName);
    if (!isSafeName(prefix) || prefix === '') {
      throw new ExportkitError(`archive.prefix: "${String(given)}" gives "${prefix}", which is empty or holds a path separator or ".."`);
    }
    const sources = sourceFolders(context, options);
    let moved = 0;
    for (const source of sources) {
      if (source === archiveFolder) throw new ExportkitError(`archive.folderPath: ${archiveFolder} is also the folder it archives from`);
      for (const file of await listFiles(source)) {
        if (!basename(file.path).startsWith(prefix) || context.journal.isCreated(file.path)) continue;
        if (moved === 0) await ensureFolder(context, archiveFolder);
        const name = numbered(basename(file.path), (n) => pathExistsSync(join(archiveFolder, n)));
        await moveFile(context, file.path, join(archiveFolder, name));
        context.log(`archive: ${file.name} → ${join(archiveFolder, name)}`);
        moved += 1;
      }
    }
    context.log(`archive: ${moved} earlier file(s) starting with "${prefix}" moved to ${archiveFolder}`);
  }
}

function sourceFolders(context: RunContext, options: Readonly<Record<string, unknown>>): string[] {
  const given = options['sourceFolderPath'];
  if (typeof given === 'string') return [dataPath(context, given, 'archive.sourceFolderPath')];
  const moved = [...new Set(context.files.map((f) => dirname(f.path)).filter((dir) => !isInside(context.workDir, dir)))];
  return moved.length ? moved : [dataPath(context, DEFAULT_SOURCE, 'archive.sourceFolderPath')];
}
