import { stat } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import {
  Contribution, ExportkitError, pipelineStep, sha256Of, ENGINE_VERSION,
  type Manifest, type PipelineStep, type PipelineStepMetadata, type ProducedFile, type RunContext,
} from '@exportkit/core';
import { expandFileName } from '../actions/file-name-pattern.js';
import { dataPath, ensureFolder, isInside, listFiles, numbered, pathExistsSync, pathProblems, patternValues, placeFile, removeFile } from '../files/step-files.js';
import { ARCHIVE_EXTENSIONS, writeArchive, type ArchiveEntry, type ArchiveType } from './write-archive.js';
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
 *   `exports/%n_%y%m%d-%H%M%S`. A file of that name from an earlier run is replaced (restored if
 *   the run fails); use `%i` for distinct names.
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
      type: { kind: 'enum', values: TYPES, synonyms: { ZIP: 'zip', TAR: 'tar', TGZ: 'tgz', 'tar.gz': 'tgz', 'TAR.GZ': 'tgz', gzip: 'tgz' } },
      description: 'Archive type: zip, tar or tgz.',
      default: 'zip',
    },
    inputFolderPath: {
      type: { kind: 'string', nonEmpty: true },
      description: "Folder whose files are packaged, relative to the data directory; default: the run's report files.",
    },
    outputFilePath: {
      type: { kind: 'string', nonEmpty: true },
      description: 'Archive path pattern without extension, relative to the data directory.',
      default: DEFAULT_OUTPUT_FILE_PATH,
    },
    removeSources: { type: { kind: 'yesno' }, description: 'Delete the packaged files.', default: true },
  },
})
export class Packager extends Contribution<PipelineStepMetadata> implements PipelineStep<RunContext> {
  check(options: Readonly<Record<string, unknown>>): string[] {
    return pathProblems(options, 'packager', ['inputFolderPath', 'outputFilePath']);
  }

  async run(context: RunContext, options: Readonly<Record<string, unknown>>): Promise<void> {
    const type = String(options['type'] ?? 'zip').toLowerCase() as ArchiveType;
    if (!TYPES.includes(type)) throw new ExportkitError(`packager.type: "${type}" is not one of ${TYPES.join(', ')}`);
    const extension = ARCHIVE_EXTENSIONS[type];
    const removeSources = options['removeSources'] !== false;

    const sources = await this.sources(context, options);
    const finalPath = outputPath(context, String(options['outputFilePath'] ?? DEFAULT_OUTPUT_FILE_PATH), extension);
    if (sources.some((s) => s.path === finalPath)) throw new ExportkitError(`packager.outputFilePath: ${finalPath} is one of the files to package`);
    await ensureFolder(context, dirname(finalPath));

    const base = context.manifest ? await context.manifest() : await fallbackManifest(context);
    const manifest: Manifest = { ...base, files: await describeFiles(sources), timings: { ...context.timings } };
    const tempPath = context.journal.temporaryFor(finalPath);
    await writeArchive(type, tempPath, [...sources.map(({ name, path }) => ({ name, path }) as ArchiveEntry), manifestEntry(manifest)]);
    await placeFile(context, tempPath, finalPath);
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
    const used = new Set(['manifest.json']);
    if (typeof input === 'string') {
      const folder = dataPath(context, input, 'packager.inputFolderPath');
      if (!pathExistsSync(folder)) throw new ExportkitError(`packager.inputFolderPath: folder "${input}" does not exist in the data directory`);
      const produced = new Map(context.files.map((f) => [f.path, f]));
      return (await listFiles(folder, { recursive: true })).map((file) => {
        if (used.has(file.name)) throw new ExportkitError(`packager.inputFolderPath: "${input}" holds a manifest.json, which the package writes itself`);
        return { ...produced.get(file.path), path: file.path, name: file.name };
      });
    }
    return context.files.map((file) => {
      const name = numbered(basename(file.path), (n) => used.has(n));
      used.add(name);
      return { ...file, name };
    });
  }
}

interface PackagedFile extends ProducedFile {
  /** Entry name inside the archive. */
  name: string;
}

/** The archive path: each segment of the pattern expanded, resolved inside the data directory. */
function outputPath(context: RunContext, pattern: string, extension: string): string {
  const segments = pattern.replace(/\\/g, '/').split('/').filter((s) => s !== '' && s !== '.');
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
  const withExtension = last.toLowerCase().endsWith(extension) ? last.slice(0, -extension.length) : last;
  const name = expandFileName(withExtension, patternValues(context), folder, 'packager.outputFilePath', { suffix: extension });
  return dataPath(context, relative(context.paths.root, join(folder, name + extension)), 'packager.outputFilePath');
}

async function describeFiles(files: readonly PackagedFile[]): Promise<Manifest['files']> {
  return Promise.all(
    files.map(async (file) => ({
      name: file.name,
      bytes: (await stat(file.path)).size,
      sha256: await sha256Of(file.path),
      ...(file.rows !== undefined ? { rows: file.rows } : {}),
      ...(file.format ? { format: file.format } : {}),
    })),
  );
}

/**
 * The manifest when the engine offers none (`context.manifest`): everything the run context
 * knows; the template's columns and parameters need the engine's plan and are left empty.
 */
async function fallbackManifest(context: RunContext): Promise<Manifest> {
  return {
    engine: { name: 'exportkit', version: ENGINE_VERSION },
    export: { guid: context.exportGuid ?? null, name: context.exportName },
    provider: context.provider,
    template: '',
    columns: [],
    parameters: {},
    now: context.now.toISOString(),
    timeZone: context.timeZone,
    rows: context.rows,
    files: [],
    timings: { ...context.timings },
  };
}
