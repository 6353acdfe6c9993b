import { basename, dirname, join, relative } from 'node:path';
import {
  BOUNDS,
  Contribution,
  ExportkitError,
  pipelineStep,
  fileDigest,
  type Manifest,
  type NameCandidates,
  type PipelineStepMetadata,
  type PostProcessContext,
  type PostProcessStep,
  type ProducedFile,
  type RunContext,
} from '@exportkit/core';
import { expandFileName } from '../actions/file-name-pattern.js';
import {
  dataPath,
  ensureFolder,
  isInside,
  listFiles,
  numbered,
  pathExistsSync,
  pathProblems,
  patternCandidates,
  patternValues,
  placeFile,
  removeFile,
} from '../files/step-files.js';
import { ARCHIVE_EXTENSIONS, writeArchive, type ArchiveEntry, type ArchiveType } from './write-archive.js';
import { archiveEntryName, checkDistinctEntries } from './entry-name.js';
import { manifestEntry } from './default-package.js';

/** Where the packager writes when no outputFilePath is given: as the default package, in `exports`. */
export const DEFAULT_OUTPUT_FILE_PATH = 'exports/%n_%y%m%d-%H%M%S';

const TYPES: readonly ArchiveType[] = ['zip', 'tar', 'tgz'];

/**
 * `packager` (post-process, packages): one archive of the files, in place of the default package.
 *
 * - `type`: zip, tar or tgz (gzip-compressed tar; `.tgz`).
 * - `inputFolderPath`: a folder of the data directory whose files (sub-folders included, by
 *   relative path) are packaged; default: the run's report files as they stand (in the scratch
 *   folder, or where moveToFolder put them).
 * - `outputFilePath`: a path pattern relative to the data directory, without extension (the
 *   type's is added unless already there); every segment may use the file name tokens. Default
 *   `exports/%n_%y%m%d-%H%M%S`. The name is claimed atomically and never replaces a file: `%i`
 *   counts on to the first free name, a fixed name that is taken gets `-2`, `-3`….
 * - `removeSources` (default yes): the packaged files are deleted — this run's at once, earlier
 *   files (inputFolderPath) only when the run succeeds.
 *
 * The archive holds `manifest.json` as the default package does, its `files` listing what was
 * packaged. Written under a temporary name beside its final one and renamed through the journal.
 */
@pipelineStep({
  name: 'packager',
  phase: 'postProcess',
  order: 1,
  packages: true,
  description: 'Packages the files into one zip, tar or tgz archive with manifest.json (replaces the default package).',
  options: {
    type: {
      type: {
        kind: 'enum',
        values: TYPES,
        synonyms: { ZIP: 'zip', TAR: 'tar', TGZ: 'tgz', 'tar.gz': 'tgz', 'TAR.GZ': 'tgz', gzip: 'tgz' },
      },
      description: 'Archive type: zip, tar or tgz.',
      default: 'zip',
    },
    inputFolderPath: {
      type: { kind: 'string', nonEmpty: true },
      description: "Folder whose files are packaged, relative to the data directory; default: the run's report files.",
    },
    outputFilePath: {
      type: { kind: 'string', nonEmpty: true, maxLength: BOUNDS.fileNamePattern },
      description: 'Archive path pattern without extension, relative to the data directory.',
      default: DEFAULT_OUTPUT_FILE_PATH,
    },
    removeSources: { type: { kind: 'yesno' }, description: 'Delete the packaged files.', default: true },
  },
})
export class Packager extends Contribution<PipelineStepMetadata> implements PostProcessStep {
  check(options: Readonly<Record<string, unknown>>): string[] {
    return pathProblems(options, 'packager', ['inputFolderPath', 'outputFilePath']);
  }

  async run(context: PostProcessContext, options: Readonly<Record<string, unknown>>): Promise<void> {
    const type = String(options['type'] ?? 'zip').toLowerCase() as ArchiveType;
    if (!TYPES.includes(type)) throw new ExportkitError(`packager.type: "${type}" is not one of ${TYPES.join(', ')}`);
    const extension = ARCHIVE_EXTENSIONS[type];
    const removeSources = options['removeSources'] !== false;

    const sources = await this.sources(context, options);
    const output = outputPath(context, String(options['outputFilePath'] ?? DEFAULT_OUTPUT_FILE_PATH), extension);
    await ensureFolder(context, output.folder, 'packager.outputFilePath');

    // The engine's manifest (the default package writes the same one), its files replaced by what is packaged.
    const base = await context.manifest();
    const manifest: Manifest = {
      ...base,
      files: await describeFiles(context, sources),
      timings: { ...context.timings },
    };
    const tempPath = context.journal.temporaryFor(output.candidates(1));
    await writeArchive(
      type,
      tempPath,
      [...sources.map(({ name, path }) => ({ name, path }) as ArchiveEntry), manifestEntry(manifest)],
      context.signal,
    );
    // Claimed, never replacing a file: not an earlier package, not a source being packaged.
    const finalPath = await placeFile(context, tempPath, output.candidates);
    context.log(`packager: ${sources.length} file(s) → ${finalPath}`);

    for (const source of sources) {
      if (removeSources) await removeFile(context, source.path);
      // Files left in the scratch folder vanish with it: they are no final file of the run.
      else if (isInside(context.workDir, source.path)) context.journal.forget(source.path);
    }
    context.files = [{ path: finalPath, format: type }];
  }

  private async sources(context: RunContext, options: Readonly<Record<string, unknown>>): Promise<PackagedFile[]> {
    const input = options['inputFolderPath'];
    let files: PackagedFile[];
    if (typeof input === 'string') {
      const folder = dataPath(context, input, 'packager.inputFolderPath');
      if (!pathExistsSync(folder))
        throw new ExportkitError(`packager.inputFolderPath: folder "${input}" does not exist in the data directory`);
      const produced = new Map(context.files.map((f) => [f.path, f]));
      files = (await listFiles(folder, { recursive: true })).map((file) => {
        const name = archiveEntryName(file.name, `packager.inputFolderPath "${input}"`);
        if (name === 'manifest.json')
          throw new ExportkitError(
            `packager.inputFolderPath: "${input}" holds a manifest.json, which the package writes itself`,
          );
        return { ...produced.get(file.path), path: file.path, name };
      });
    } else {
      const used = new Set(['manifest.json']);
      files = context.files.map((file) => {
        const name = numbered(archiveEntryName(basename(file.path), 'packager'), (n) => used.has(n));
        used.add(name);
        return { ...file, name };
      });
    }
    checkDistinctEntries(
      files.map((f) => f.name),
      `packager.inputFolderPath "${String(input)}"`,
    );
    return files;
  }
}

interface PackagedFile extends ProducedFile {
  /** Entry name inside the archive. */
  name: string;
}

/**
 * The archive's folder (each segment of the pattern expanded, resolved inside the data directory)
 * and the names its last segment offers, to be claimed (`%i` counts on, a fixed name gets `-2`…).
 */
function outputPath(
  context: RunContext,
  pattern: string,
  extension: string,
): { folder: string; candidates: NameCandidates } {
  const segments = pattern
    .replace(/\\/g, '/')
    .split('/')
    .filter((s) => s !== '' && s !== '.');
  if (segments.length === 0) throw new ExportkitError(`packager.outputFilePath: "${pattern}" names no file`);
  let folder = dataPath(context, '.', 'packager.outputFilePath');
  const last = segments.pop()!;
  for (const segment of segments) {
    if (segment === '..') {
      folder = dirname(folder);
      continue;
    }
    folder = join(folder, expandFileName(segment, patternValues(context), folder, 'packager.outputFilePath'));
  }
  folder = dataPath(context, relative(context.paths.root, folder) || '.', 'packager.outputFilePath');
  const withoutExtension = last.toLowerCase().endsWith(extension) ? last.slice(0, -extension.length) : last;
  const candidates = patternCandidates(
    folder,
    withoutExtension,
    patternValues(context),
    'packager.outputFilePath',
    (name) => name + extension,
  );
  return { folder, candidates };
}

async function describeFiles(context: RunContext, files: readonly PackagedFile[]): Promise<Manifest['files']> {
  return Promise.all(
    files.map(async (file) => ({
      name: file.name,
      ...(await fileDigest(context.journal, file.path)),
      ...(file.rows !== undefined ? { rows: file.rows } : {}),
      ...(file.format ? { format: file.format } : {}),
    })),
  );
}
