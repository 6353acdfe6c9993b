/*
 * What the pipeline tests share: the writers' pipeline steps (registered once, whether or not
 * @exportkit/writers' plugin module wires them already), a test plugin with a failing
 * post-process step and a slow column, and helpers to run the demo provider's exports.
 */
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  column,
  metadataOf,
  pipelineStep,
  pluginModule,
  createContainer,
  parseTemplate,
  Contribution,
  SqlColumn,
  Tokens,
  type Engine,
  type PipelineStep,
  type PipelineStepMetadata,
  type PluginModule,
  type RunContext,
  type ProgressEvent,
  type ExportConfig,
} from '@exportkit/core';
import { createEngine } from 'exportkit';
import writersModule from '@exportkit/writers';
import type { Knex } from 'knex';
import { demoClasses } from '../../support/test-provider.js';

type PipelineStepsModule = typeof import('../../../packages/writers/src/pipeline-steps.js');

const require = createRequire(import.meta.url);
const writersDir = dirname(require.resolve('@exportkit/writers/package.json'));

/** packages/writers/dist/pipeline-steps.js (not re-exported by the package index yet). */
export const steps: PipelineStepsModule = (await import(
  pathToFileURL(join(writersDir, 'dist/pipeline-steps.js')).href
)) as PipelineStepsModule;

/** The pipeline steps @exportkit/writers' own plugin module contributes already (by name). */
const wired = new Set(
  createContainer([writersModule])
    .getAll<PipelineStep>(Tokens.PipelineStep)
    .map((s) => s.metadata.name),
);

/** The writers' step classes its plugin module does not register (yet): the tests add them. */
export const unwiredStepClasses = steps.PIPELINE_STEP_CLASSES.filter(
  (cls) => !wired.has(metadataOf<PipelineStepMetadata>(cls).name),
);

/** The writers' steps as an extra plugin, for those the writers' module does not register. */
export const writerStepPlugins: PluginModule[] = unwiredStepClasses.length ? [pluginModule(unwiredStepClasses)] : [];

/** A post-process step that fails with its `message` option: the failing step of atomicity tests. */
@pipelineStep({
  name: 'failingStep',
  phase: 'postProcess',
  order: 99,
  description: 'Fails (tests).',
  options: {
    message: { type: { kind: 'string' }, description: 'error message', default: 'post-process failed on purpose' },
  },
})
export class FailingStep extends Contribution<PipelineStepMetadata> implements PipelineStep<RunContext> {
  async run(_context: RunContext, options: Readonly<Record<string, unknown>>): Promise<void> {
    throw new Error(String(options['message']));
  }
}

/**
 * A post-process step that waits `ms` milliseconds, as a slow upload would, and stops at once
 * when the run is aborted; it logs `pausing` first, so a test knows the run got there.
 */
@pipelineStep({
  name: 'pauseStep',
  phase: 'postProcess',
  order: 98,
  description: 'Waits (tests).',
  options: {
    ms: { type: { kind: 'int' }, description: 'milliseconds', default: 60_000 },
    ignoreAbort: {
      type: { kind: 'yesno' },
      description: 'yes: a step that does not stop when aborted (a stuck upload)',
      default: false,
    },
  },
})
export class PauseStep extends Contribution<PipelineStepMetadata> implements PipelineStep<RunContext> {
  async run(context: RunContext, options: Readonly<Record<string, unknown>>): Promise<void> {
    context.log('pausing');
    await sleep(Number(options['ms']), undefined, options['ignoreAbort'] === true ? {} : { signal: context.signal });
  }
}

/** What hookStep calls: set by an in-process test to act in the middle of a run. */
export const stepHooks: { postProcess?: (context: RunContext) => Promise<void> } = {};

/** A post-process step that calls stepHooks.postProcess (in-process tests). */
@pipelineStep({
  name: 'hookStep',
  phase: 'postProcess',
  order: 97,
  description: 'Calls the test hook (tests).',
  options: {},
})
export class HookStep extends Contribution<PipelineStepMetadata> implements PipelineStep<RunContext> {
  async run(context: RunContext): Promise<void> {
    await stepHooks.postProcess?.(context);
  }
}

/** A column that costs CPU on the server for every row (the same on PGlite and PostgreSQL). */
@column({
  provider: 'demo',
  name: 'slowValue',
  type: 'int',
  description: 'slow (tests)',
  sql: '(SELECT count(*) FROM generate_series(1, 3000 + item.id % 7))',
})
export class SlowValueColumn extends SqlColumn {}

export const testStepClasses = [FailingStep, PauseStep, HookStep, SlowValueColumn];

/** Every plugin an in-process pipeline test needs besides the built-ins. */
export const pipelinePlugins: PluginModule[] = [
  pluginModule([...demoClasses, ...testStepClasses]),
  ...writerStepPlugins,
];

export const NOW = new Date('2021-03-01T08:00:00Z');

export function engineFor(
  knex: Knex,
  dataDir: string,
  options: { batchSize?: number; now?: Date; copyPath?: 'auto' | 'off' } = {},
): Engine {
  return createEngine({
    knex,
    plugins: pipelinePlugins,
    dataDir,
    now: options.now ?? NOW,
    batchSize: options.batchSize,
    copyPath: options.copyPath,
  });
}

/** A demo export in YAML; `extra` holds the export's actions/consolidators/postProcess keys. */
export function demoTemplate(
  extra = '',
  options: { guid?: string; columns?: string; parameters?: string } = {},
): string {
  return [
    'exports:',
    `  - guid: ${options.guid ?? 'demo-export'}`,
    '    name: demo',
    '    provider: demo',
    `    columns: ${options.columns ?? '[itemId, itemLabel, ownerName]'}`,
    '    parameters:',
    '      timeZone: Europe/Paris',
    ...(options.parameters ? [options.parameters] : []),
    extra,
  ].join('\n');
}

export const yaml = (text: string): ExportConfig => parseTemplate(text, 'demo.yaml', 'yaml');
export const xml = (text: string): ExportConfig => parseTemplate(text, 'demo.xml', 'xml');

/** Runs and returns the error it failed with (undefined when it succeeded). */
export async function failureOf(promise: Promise<unknown>): Promise<Error | undefined> {
  return promise.then(
    () => undefined,
    (error: unknown) => error as Error,
  );
}

/** Every file under a folder, relative, sorted (folders omitted). */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.push(relative(dir, path));
    }
  };
  walk(dir);
  return out.sort();
}

/** Collects a run's progress events. */
export function recorder(): {
  events: ProgressEvent[];
  listener: (event: ProgressEvent) => void;
  warnings(): string[];
} {
  const events: ProgressEvent[] = [];
  return {
    events,
    listener: (event) => events.push(event),
    warnings: () => events.flatMap((e) => (e.type === 'warning' ? [e.message] : [])),
  };
}
