import { basename, join } from 'node:path';
import {
  Contribution,
  pipelineStep,
  type PackageStepContext,
  type PipelineStep,
  type PipelineStepMetadata,
  type RunContext,
} from '@exportkit/core';
import { zonedParts } from '../actions/file-name-pattern.js';
import { ensureFolder, isInside, numbered, numberedCandidates, placeFile, safeFileName } from '../files/step-files.js';
import { writeArchive, type ArchiveEntry } from './write-archive.js';
import { archiveEntryName } from './entry-name.js';
import { deflatedCopyOf } from './deflated-copies.js';
import { writeZipFromDeflated, type DeflatedEntry } from './zip-from-deflated.js';

/**
 * The default package (PIPELINE.md): with no packager, one zip per export,
 * `<out>/<name>_<yyyymmdd-hhmmss>.zip`, holding the report files and manifest.json.
 * Written under a temporary name, then published under the first free name of `-2`, `-3`…
 * claimed atomically, so neither an earlier package nor a concurrent run's is overwritten.
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
    await ensureFolder(context, outDir, 'the output folder');
    const p = zonedParts(context.now, context.timeZone);
    const name = `${safeFileName(context.exportName)}_${p.year}${p.month}${p.day}-${p.hour}${p.minute}${p.second}.zip`;
    const tempPath = context.journal.temporaryFor(join(outDir, name));
    const entries = [...reportEntries(context.files.map((f) => f.path)), manifestEntry(manifest)];
    const deflated = await deflatedEntries(context, entries);
    if (deflated) await writeZipFromDeflated(tempPath, deflated, context.now, context.signal);
    else await writeArchive('zip', tempPath, entries, context.signal);
    const finalPath = await placeFile(context, tempPath, numberedCandidates(outDir, name));
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
    const name = numbered(archiveEntryName(basename(path), 'the default package'), (n) => used.has(n));
    used.add(name);
    return { name, path };
  });
}

/**
 * The entries as deflated copies when every report file still has the one written beside it
 * (docs/pipeline.md, "The default package"); undefined when one does not (a step rewrote it).
 */
async function deflatedEntries(
  context: RunContext,
  entries: readonly ArchiveEntry[],
): Promise<DeflatedEntry[] | undefined> {
  const out: DeflatedEntry[] = [];
  for (const entry of entries) {
    if (entry.path === undefined) {
      out.push({ name: entry.name, content: entry.content ?? '' });
      continue;
    }
    const copy = await deflatedCopyOf(context.journal, entry.path);
    if (!copy) return undefined;
    out.push({ name: entry.name, copy });
  }
  return out;
}

export function manifestEntry(manifest: unknown): ArchiveEntry {
  return { name: 'manifest.json', content: `${JSON.stringify(manifest, null, 2)}\n` };
}
