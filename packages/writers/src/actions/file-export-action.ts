import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  Contribution,
  ExportkitError,
  pipelineStep,
  type ActionSink,
  type ActionStep,
  type CopyFormat,
  type CopyTarget,
  type OptionMetadata,
  type OutputColumn,
  type OutputRow,
  type PipelineStepMetadata,
  type Registry,
  type RunContext,
  type Writer,
  type FileJournal,
} from '@exportkit/core';
import {
  FILE_ACTION_OPTIONS,
  resolveFileActionOptions,
  synonyms,
  withResolved,
  type ResolvedFileActionOptions,
} from '../options.js';
import { expandFileName } from './file-name-pattern.js';
import { namePatternProblems, numbered, safeFileName } from '../files/step-files.js';
import { openReportFile } from '../output/report-file.js';

/** File names already given to the actions of a run (keyed by its journal): two actions never share one. */
const namesOfRun = new WeakMap<FileJournal, Set<string>>();

/** What the file action works with: its writer, found in the registry, and the options resolved once. */
export interface FileActionPlan {
  readonly writer: Writer;
  /** The common options resolved (`;`, true, '.') and the writer's own options as parsed. */
  readonly options: ResolvedFileActionOptions & Readonly<Record<string, unknown>>;
}

/**
 * `fileExportAction`: one file in one format, fed from the export's single row stream.
 * The format names a Writer contribution in the registry (its format or an alias, any case),
 * so a new format is a new writer class only, from any plugin.
 */
@pipelineStep({
  name: 'fileExportAction',
  phase: 'action',
  order: 0,
  description: "Writes the rows to one file in a writer's format (built in: CSV, TSV, XML, XLSX, JSON, NDJSON).",
  options: FILE_ACTION_OPTIONS,
})
export class FileExportAction extends Contribution<PipelineStepMetadata> implements ActionStep<FileActionPlan> {
  /** The common options, every writer's own options, and `format` as one of the registered writers' names. */
  acceptedOptions(registry: Registry): Readonly<Record<string, OptionMetadata>> {
    const writers = registry.writers.values();
    const formats = writers.map((w) => w.metadata.format);
    const aliases = Object.fromEntries(
      writers.flatMap((w) => (w.metadata.aliases ?? []).map((alias) => [alias, w.metadata.format])),
    );
    const own = Object.assign({}, ...writers.map((w) => w.metadata.options ?? {})) as Record<string, OptionMetadata>;
    const format = FILE_ACTION_OPTIONS['format']!;
    return {
      ...FILE_ACTION_OPTIONS,
      ...own,
      format: { ...format, type: { kind: 'enum', values: formats, synonyms: synonyms(aliases, formats) } },
    };
  }

  check(options: Readonly<Record<string, unknown>>, registry: Registry): string[] {
    const problems = namePatternProblems(options, 'fileExportAction', ['fileName']);
    const format = String(options['format'] ?? 'CSV');
    if (!registry.writer(format))
      problems.push(`no writer for format ${format}; known: ${registry.writers.canonicalNames().join(', ')}`);
    return problems;
  }

  prepare(options: Readonly<Record<string, unknown>>, registry: Registry): FileActionPlan {
    const resolved = resolveFileActionOptions(options);
    const writer = registry.writer(resolved.format);
    if (!writer) throw new ExportkitError(`no writer for format ${resolved.format}`);
    return { writer, options: withResolved(options, { ...resolved, format: writer.metadata.format }) };
  }

  async run(): Promise<void> {
    throw new ExportkitError('fileExportAction is fed rows through open(), not run()');
  }

  async open(context: RunContext, plan: FileActionPlan, columns: readonly OutputColumn[]): Promise<ActionSink> {
    const { writer, finalPath, tempPath } = await this.reserve(context, plan);
    const { output, publish } = openReportFile(context, finalPath, tempPath);
    const sink = writer.open(output, { columns, options: writerOptions(context, plan), now: context.now });
    let rows = 0;
    return {
      write(row: OutputRow) {
        rows += 1;
        return sink.write(row);
      },
      async finish() {
        await sink.finish();
        return [{ path: await publish(), rows, format: writer.metadata.format }];
      },
    };
  }

  copyFormat(context: RunContext, plan: FileActionPlan, columns: readonly OutputColumn[]): CopyFormat | undefined {
    return plan.writer.copyFormat?.({ columns, options: writerOptions(context, plan) });
  }

  /** The COPY path: the same file (name, temporary name, journal) fed with CSV bytes; the preamble first. */
  async openCopyTarget(
    context: RunContext,
    plan: FileActionPlan,
    columns: readonly OutputColumn[],
  ): Promise<CopyTarget> {
    const format = this.copyFormat(context, plan, columns);
    if (!format) throw new ExportkitError('this fileExportAction cannot be produced by COPY');
    const { writer, finalPath, tempPath } = await this.reserve(context, plan);
    const { output, publish } = openReportFile(context, finalPath, tempPath);
    if (format.preamble.length) output.write(format.preamble);
    return {
      output,
      async finish(rows: number) {
        return [{ path: await publish(), rows, format: writer.metadata.format }];
      },
    };
  }

  /** Chooses the writer and the file's name (unique in the run), and its temporary path. */
  private async reserve(context: RunContext, { writer, options: resolved }: FileActionPlan) {
    await mkdir(context.workDir, { recursive: true });
    const reserved = namesOfRun.get(context.journal) ?? new Set<string>();
    namesOfRun.set(context.journal, reserved);
    const taken = (candidate: string) => reserved.has(candidate) || existsSync(join(context.workDir, candidate));
    const name = numbered(
      expandFileName(
        resolved.fileName ?? `${safeFileName(context.exportName)}.${writer.metadata.extension}`,
        { now: context.now, timeZone: context.timeZone, guid: context.exportGuid, name: context.exportName },
        context.workDir,
        'fileExportAction.fileName',
        { isTaken: taken },
      ),
      taken,
    );
    reserved.add(name);
    const finalPath = join(context.workDir, name);
    const tempPath = context.journal.temporaryFor(finalPath);
    return { writer, finalPath, tempPath };
  }
}

/** What the writer receives: the resolved options and the export's date patterns (XLSX's typed cells). */
function writerOptions(context: RunContext, plan: FileActionPlan): Readonly<Record<string, unknown>> {
  return withResolved({ ...context.dateFormats }, plan.options) as unknown as Readonly<Record<string, unknown>>;
}
