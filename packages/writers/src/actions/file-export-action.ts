import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  Contribution, ExportkitError, pipelineStep, Tokens, injectAll,
  type ActionSink, type ActionStep, type CopyFormat, type CopyTarget, type OptionMetadata, type OutputColumn, type OutputRow,
  type PipelineStepMetadata, type RunContext, type Writer, type FileJournal,
} from '@exportkit/core';
import { FILE_ACTION_OPTIONS, resolveFileActionOptions } from '../options.js';
import { expandFileName } from './file-name-pattern.js';
import { namePatternProblems, numbered, safeFileName } from '../files/step-files.js';
import { openReportFile } from '../output/report-file.js';

/** File names already given to the actions of a run (keyed by its journal): two actions never share one. */
const namesOfRun = new WeakMap<FileJournal, Set<string>>();

/**
 * `fileExportAction`: one file in one format, fed from the export's single row stream.
 * The format names a Writer contribution, so a new format is a new writer class only.
 */
@pipelineStep({
  name: 'fileExportAction',
  phase: 'action',
  order: 0,
  description: 'Writes the rows to one file in a format (CSV, TSV, XML, XLSX, JSON, NDJSON).',
  options: FILE_ACTION_OPTIONS,
})
export class FileExportAction extends Contribution<PipelineStepMetadata> implements ActionStep {
  constructor(@injectAll(Tokens.Writer) private readonly writers: Writer[]) {
    super();
  }

  acceptedOptions(): Readonly<Record<string, OptionMetadata>> {
    const formats = this.writers.flatMap((w) => [w.metadata.format, ...(w.metadata.aliases ?? [])]);
    const own = Object.assign({}, ...this.writers.map((w) => w.metadata.options ?? {})) as Record<string, OptionMetadata>;
    const format = FILE_ACTION_OPTIONS['format']!;
    const formatType = format.type.kind === 'enum' ? { ...format.type, values: [...new Set([...format.type.values, ...formats])] } : format.type;
    return { ...FILE_ACTION_OPTIONS, ...own, format: { ...format, type: formatType } };
  }

  check(options: Readonly<Record<string, unknown>>): string[] {
    const problems = namePatternProblems(options, 'fileExportAction', ['fileName']);
    if (!this.writerFor(String(options['format'] ?? 'CSV'))) problems.push(`no writer for format ${String(options['format'])}`);
    return problems;
  }

  async run(): Promise<void> {
    throw new ExportkitError('fileExportAction is fed rows through open(), not run()');
  }

  async open(context: RunContext, options: Readonly<Record<string, unknown>>, columns: readonly OutputColumn[]): Promise<ActionSink> {
    const { writer, resolved, finalPath, tempPath } = await this.reserve(context, options);
    const { output, publish } = openReportFile(context, finalPath, tempPath);
    const sink = writer.open(output, { columns, options: { ...context.dateFormats, ...options, ...resolved }, now: context.now });
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

  copyFormat(context: RunContext, options: Readonly<Record<string, unknown>>, columns: readonly OutputColumn[]): CopyFormat | undefined {
    const resolved = resolveFileActionOptions(options);
    const writer = this.writerFor(resolved.format);
    return writer?.copyFormat?.({ columns, options: { ...context.dateFormats, ...options, ...resolved } });
  }

  /** The COPY path: the same file (name, temporary name, journal) fed with CSV bytes; the preamble first. */
  async openCopyTarget(context: RunContext, options: Readonly<Record<string, unknown>>, columns: readonly OutputColumn[]): Promise<CopyTarget> {
    const format = this.copyFormat(context, options, columns);
    if (!format) throw new ExportkitError('this fileExportAction cannot be produced by COPY');
    const { writer, finalPath, tempPath } = await this.reserve(context, options);
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
  private async reserve(context: RunContext, options: Readonly<Record<string, unknown>>) {
    const resolved = resolveFileActionOptions(options);
    const writer = this.writerFor(resolved.format);
    if (!writer) throw new ExportkitError(`no writer for format ${resolved.format}`);
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
    return { writer, resolved, finalPath, tempPath };
  }

  private writerFor(format: string): Writer | undefined {
    const wanted = format.toUpperCase();
    return this.writers.find((w) => w.metadata.format === wanted || (w.metadata.aliases ?? []).includes(wanted));
  }
}
