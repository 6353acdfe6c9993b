import { basename, join } from 'node:path';
import { Contribution, pipelineStep, type PackageStepContext, type PipelineStep, type PipelineStepMetadata } from '@exportkit/core';
import { zonedParts } from '../actions/file-name-pattern.js';
import { ensureFolder, isInside, numbered, pathExists, safeFileName } from '../files/step-files.js';
import { writeArchive, type ArchiveEntry } from './write-archive.js';

/**
 * The default package (PIPELINE.md): with no packager, one zip per export,
 * `<out>/<name>_<yyyymmdd-hhmmss>.zip`, holding the report files and manifest.json.
 * Written under a temporary name and renamed when complete; a name already taken gets `-2`,
 * `-3`… so an earlier package is never overwritten.
 */
@pipelineStep({
  name: 'defaultPackage',
  phase: 'package',
  order: 0,
  description: 'One zip per export with the report files and manifest.json, when no packager is given.',
  options: {},
})
export class DefaultPackage extends Contribution<PipelineStepMetadata> implements PipelineStep<PackageStepContext> {
  async run({ context, manifest, outDir }: PackageStepContext): Promise<void> {
    await ensureFolder(context, outDir);
    const p = zonedParts(context.now, context.timeZone);
    const base = `${safeFileName(context.exportName)}_${p.year}${p.month}${p.day}-${p.hour}${p.minute}${p.second}`;
    let name = `${base}.zip`;
    for (let i = 2; await pathExists(join(outDir, name)); i += 1) name = `${base}-${i}.zip`;
    const finalPath = join(outDir, name);
    const tempPath = context.journal.temporaryFor(finalPath);
    await writeArchive('zip', tempPath, [...reportEntries(context.files.map((f) => f.path)), manifestEntry(manifest)]);
    await context.journal.commit(tempPath, finalPath);
    // Report files still in the run's scratch folder now live in the package only; files a
    // consolidator put elsewhere (moveToFolder) stay final files of the run.
    for (const file of context.files) if (isInside(context.workDir, file.path)) context.journal.forget(file.path);
    context.files = [{ path: finalPath, format: 'zip' }];
  }
}

/** Archive entries for files, by base name (`-2`… when two files share one). */
export function reportEntries(paths: readonly string[]): ArchiveEntry[] {
  const used = new Set<string>(['manifest.json']);
  return paths.map((path) => {
    const name = numbered(basename(path), (n) => used.has(n));
    used.add(name);
    return { name, path };
  });
}

export function manifestEntry(manifest: unknown): ArchiveEntry {
  return { name: 'manifest.json', content: `${JSON.stringify(manifest, null, 2)}\n` };
}
