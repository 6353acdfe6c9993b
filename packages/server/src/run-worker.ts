import { exportNameOf, parseTemplate, type Engine } from '@exportkit/core';
import type { RunAttempt, RunExport, RunHandler, RunOutcome, RunProgress, RunQueue } from './run-queue.js';
import type { TemplateSource } from './template-source.js';

/** A run that failed; `exports` lists the `export_runs` rows its attempt recorded. */
export class RunFailedError extends Error {
  constructor(
    message: string,
    readonly exports: Array<Pick<RunExport, 'runId' | 'name'>>,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * The handler workers give their queue: one attempt of a run is one `engine.run` of the named
 * template, with the attempt's signal (cancel, time limit, shutdown: the engine rolls back), while
 * the attempt holds every export guid of the template (claimExports), so that an export runs at
 * most once at a time however many workers there are. The engine records each export's outcome
 * in `export_runs`; the handler returns those rows' ids.
 */
export function runWorker(engine: Engine, templates: TemplateSource, queue: RunQueue): RunHandler {
  return async ({ id, request, signal, report }: RunAttempt): Promise<RunOutcome> => {
    // A stored template runs in the version that is the latest when the attempt starts.
    const template = await templates.read(request.template);
    const config = parseTemplate(template.text, template.file, template.format);
    const version = template.version === undefined ? {} : { templateVersion: template.version };
    const guids = config.exports.map((definition) => definition.guid ?? exportNameOf(config, definition));
    const claim = await queue.claimExports(guids, signal);
    const links: Array<Promise<void>> = [];
    const recorded: Array<Pick<RunExport, 'runId' | 'name'>> = [];
    let progress: RunProgress = { export: request.template, rows: 0 };
    try {
      // An earlier attempt whose worker died after its exports succeeded did the run: it stands.
      const earlier = (await queue.linkedExportRuns(id)).filter((run) => run.status === 'succeeded');
      if (earlier.length >= config.exports.length) {
        await engine.recover(); // its dead worker may have left the cleanup after the success
        return { ...version, exports: earlier.map(({ status: _status, ...exported }) => exported) };
      }
      // A file of the folder runs by its path, so that export_runs records the file's SHA-256.
      const result = await engine.run(template.version === undefined ? template.file : config, {
        signal,
        now: request.now === undefined ? undefined : new Date(request.now),
        onProgress: (event) => {
          if (event.type === 'run-recorded') {
            recorded.push({ runId: event.runId, name: event.exportName });
            links.push(queue.linkExportRun(id, event.runId, event.exportName));
          }
          if (event.type === 'export-started') progress = { export: event.exportName, rows: 0 };
          else if (event.type === 'phase') progress = { ...progress, phase: event.phase };
          else if (event.type === 'rows') progress = { ...progress, rows: event.rows };
          else if (event.type === 'estimate') progress = { ...progress, estimate: event.rows };
          else return;
          report(progress);
        },
      });
      await Promise.all(links);
      return {
        ...version,
        exports: result.exports.map((exported, index) => ({
          runId: recorded[index]!.runId,
          name: exported.name,
          rows: exported.rows,
          files: exported.files,
        })),
      };
    } catch (error) {
      await Promise.allSettled(links);
      throw new RunFailedError((error as Error).message, recorded, { cause: error });
    } finally {
      await claim.release();
    }
  };
}
