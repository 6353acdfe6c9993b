import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  Contribution,
  pipelineStep,
  type PipelineStep,
  type PipelineStepMetadata,
  type RunContext,
} from '@exportkit/core';
import { ensureFolder, numbered, numberedCandidates, safeFileName } from '../files/step-files.js';

/**
 * `timeLogger` (consolidator 1): the run's phase times as a log.
 *
 * Writes `<export name>.log`, one `key=value` line per fact (logfmt), among the run's report
 * files, so it travels with them (moved by moveToFolder, packaged with manifest.json), and
 * passes every line to the run log (`context.log`). It runs first among the consolidators, so
 * it holds the phases finished by then (`query+write`, `write`, and any the engine measured
 * before); the manifest, written when packaging, holds them all (`consolidate`, `postProcess`).
 */
@pipelineStep({
  name: 'timeLogger',
  phase: 'consolidator',
  order: 1,
  description:
    "Writes <name>.log with the seconds of each phase of the run so far and the row count, among the report files; the manifest's timings hold every phase.",
  options: {},
})
export class TimeLogger extends Contribution<PipelineStepMetadata> implements PipelineStep<RunContext> {
  async run(context: RunContext): Promise<void> {
    const lines = timeLogLines(context);
    for (const line of lines) context.log(line);
    await ensureFolder(context, context.workDir);
    const used = new Set(context.files.map((f) => f.path));
    const name = numbered(`${safeFileName(context.exportName)}.log`, (n) => used.has(join(context.workDir, n)));
    const tempPath = context.journal.temporaryFor(join(context.workDir, name));
    await writeFile(tempPath, `${lines.join('\n')}\n`, 'utf8');
    const finalPath = await context.journal.claim(tempPath, numberedCandidates(context.workDir, name));
    context.files.push({ path: finalPath, format: 'log' });
  }
}

/** The log's lines: the run, one line per phase timed so far, the rows. */
export function timeLogLines(context: RunContext): string[] {
  const quote = (value: string) => (/^[^\s"=]+$/.test(value) ? value : JSON.stringify(value));
  const lines = [
    `export=${quote(context.exportName)} guid=${quote(context.exportGuid ?? '')} provider=${quote(context.provider)} now=${context.now.toISOString()}`,
  ];
  for (const [phase, seconds] of Object.entries(context.timings))
    lines.push(`phase=${quote(phase)} seconds=${seconds.toFixed(3)}`);
  lines.push(`rows=${context.rows} files=${context.files.length}`);
  return lines;
}
