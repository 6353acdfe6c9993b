import { basename, dirname } from 'node:path';
import {
  BOUNDS,
  Contribution,
  ExportkitError,
  pipelineStep,
  type PipelineStep,
  type PipelineStepMetadata,
  type RunContext,
} from '@exportkit/core';
import { expandPattern, isSafeName } from '../actions/file-name-pattern.js';
import {
  dataPath,
  ensureFolder,
  isInside,
  listFiles,
  moveFile,
  numberedCandidates,
  pathExists,
  pathProblems,
  patternValues,
  safeFileName,
} from '../files/step-files.js';

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
 * %g, dates); without it, the export's own names are archived (isOwnName), not every name
 * that starts like the export's. A failed run moves the files back; a file a concurrent run of
 * the export archived first is skipped.
 */
@pipelineStep({
  name: 'archive',
  phase: 'consolidator',
  order: 4,
  description: "Moves every earlier file starting with prefix into folderPath, keeping the newest (this run's).",
  options: {
    folderPath: {
      type: { kind: 'string', nonEmpty: true },
      description: 'Archive folder, relative to the data directory.',
      default: 'exports/archive',
    },
    prefix: {
      type: { kind: 'string', nonEmpty: true, maxLength: BOUNDS.fileNamePattern },
      description:
        "Files whose name starts with this (a pattern: %n %g %y…) are archived; default: the export's own names (name, package date, -N, one extension).",
    },
    sourceFolderPath: {
      type: { kind: 'string', nonEmpty: true },
      description:
        "Folder holding the earlier files; default: the folder moveToFolder moved this run's files to, else exports.",
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
    const prefix = typeof given === 'string' ? expandPattern(given, patternValues(context)) : undefined;
    if (prefix !== undefined && (!isSafeName(prefix) || prefix === '')) {
      throw new ExportkitError(
        `archive.prefix: "${String(given)}" gives "${prefix}", which is empty or holds a path separator or ".."`,
      );
    }
    const archives = prefix === undefined ? isOwnName(context.exportName) : (name: string) => name.startsWith(prefix);
    const sources = sourceFolders(context, options);
    let moved = 0;
    for (const source of sources) {
      if (source === archiveFolder)
        throw new ExportkitError(`archive.folderPath: ${archiveFolder} is also the folder it archives from`);
      for (const file of await listFiles(source)) {
        if (!archives(basename(file.path)) || context.journal.isCreated(file.path)) continue;
        if (moved === 0) await ensureFolder(context, archiveFolder, 'archive.folderPath');
        let archived: string;
        try {
          archived = await moveFile(context, file.path, numberedCandidates(archiveFolder, basename(file.path)));
        } catch (error) {
          // A run of the same export at the same time archived (or cleaned) it first: nothing to do.
          if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !(await pathExists(file.path))) continue;
          throw error;
        }
        context.log(`archive: ${file.name} → ${archived}`);
        moved += 1;
      }
    }
    const which = prefix === undefined ? `of export "${context.exportName}"` : `starting with "${prefix}"`;
    context.log(`archive: ${moved} earlier file(s) ${which} moved to ${archiveFolder}`);
  }
}

/**
 * Without a prefix, the names the export's own files take: its name (as written, or as file
 * names spell it), then optionally a package's `_<yyyymmdd-hhmmss>`, a taken name's `-N` and one
 * extension — `weekly.csv`, `weekly-2.csv`, `weekly_20210301-090000.zip`, `weekly.end` — so export
 * `weekly` leaves export `weekly_hr`'s `weekly_hr_20210301-090000.zip` alone.
 */
function isOwnName(exportName: string): (fileName: string) => boolean {
  const stems = [...new Set([exportName, safeFileName(exportName)])].map(escapeRegExp).join('|');
  const own = new RegExp(`^(?:${stems})(?:_\\d{8}-\\d{6})?(?:-\\d+)?(?:\\.tar\\.gz|\\.[A-Za-z0-9]+)?$`);
  return (fileName) => own.test(fileName);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function sourceFolders(context: RunContext, options: Readonly<Record<string, unknown>>): string[] {
  const given = options['sourceFolderPath'];
  if (typeof given === 'string') return [dataPath(context, given, 'archive.sourceFolderPath')];
  const moved = [
    ...new Set(context.files.map((f) => dirname(f.path)).filter((dir) => !isInside(context.workDir, dir))),
  ];
  return moved.length ? moved : [dataPath(context, DEFAULT_SOURCE, 'archive.sourceFolderPath')];
}
