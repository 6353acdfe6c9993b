import type { Writable } from 'node:stream';
import type { CopyFormat, OutputColumn, OutputRow } from '../contributions/writer.js';
import type { PipelineStep } from '../contributions/pipeline-step.js';
import type { FileJournal } from './file-journal.js';
import type { DataPaths } from './data-paths.js';
import type { Manifest } from './manifest.js';

/** A file a run produced, as recorded in the manifest. */
export interface ProducedFile {
  /** Absolute path where the file is now. */
  path: string;
  /** Rows written (report files only). */
  rows?: number;
  format?: string;
}

/** What pipeline steps see of the run. */
export interface RunContext {
  readonly exportGuid?: string;
  readonly exportName: string;
  readonly provider: string;
  readonly now: Date;
  readonly timeZone: string;
  /** The export's date patterns (for writers with typed date cells: XLSX). */
  readonly dateFormats?: { readonly dateFormat: string; readonly dateTimeFormat: string };
  /** Resolves template paths inside the data directory, refusing escapes. */
  readonly paths: DataPaths;
  /** Folder for this run's report files before they are packaged or moved. */
  readonly workDir: string;
  /** Every file the run creates goes through the journal: temp name, rename, undo on failure. */
  readonly journal: FileJournal;
  /** The report files produced so far (steps replace entries when they move or package them). */
  files: ProducedFile[];
  /** Seconds per phase, for timeLogger and the manifest. */
  readonly timings: Record<string, number>;
  readonly rows: number;
  /** Aborted when the run is interrupted: long steps (archives, uploads) stop at once. */
  readonly signal?: AbortSignal;
  warn(message: string): void;
  log(message: string): void;
  /**
   * Work to run once every consolidator, post-process step and the package succeeded, before the
   * run is recorded as succeeded (generateEndFile's marker); a failure there still rolls the run
   * back. Optional: set by the engine; steps do the work at once when it is missing.
   */
  whenComplete?(work: () => Promise<void>): void;
}

/** What consolidators see: the run as it stands. */
export type ConsolidatorContext = RunContext;

/** What post-process steps see: the run, and its manifest (the one the default package writes) for steps that package. */
export interface PostProcessContext extends RunContext {
  /** The run's manifest as it stands (core's buildManifest, the one service every package uses). */
  manifest(): Promise<Manifest>;
}

/** What the `package` phase step (the default package) receives. */
export interface PackageStepContext {
  context: RunContext;
  manifest: Manifest;
  outDir: string;
}

/** A consolidator: works on the report files (moves, archives, markers), in its declared order. */
export type ConsolidatorStep<Options = Readonly<Record<string, unknown>>> = PipelineStep<ConsolidatorContext, Options>;
/** A post-process step: runs after the consolidators; one that `packages` replaces the default package. */
export type PostProcessStep<Options = Readonly<Record<string, unknown>>> = PipelineStep<PostProcessContext, Options>;
/** The default package. */
export type PackageStep = PipelineStep<PackageStepContext, Readonly<Record<string, never>>>;

/** The step type each phase requires (the `@pipelineStep` decorator checks a class against it). */
export interface StepOfPhase {
  action: ActionStep;
  consolidator: ConsolidatorStep;
  postProcess: PostProcessStep;
  package: PackageStep;
}

/** Receives the row stream of an export; several sinks are fed from one pass. */
export interface ActionSink {
  write(row: OutputRow): void | Promise<void>;
  /** Completes the files (renamed to their final names) and returns them. */
  finish(): Promise<ProducedFile[]>;
}

/** An action (fileExportAction): turns the row stream into files. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface ActionStep<Options = any> extends PipelineStep<RunContext, Options> {
  open(context: RunContext, options: Options, columns: readonly OutputColumn[]): Promise<ActionSink>;
  /** The COPY path: how PostgreSQL can produce this action's file, or undefined when it cannot. */
  copyFormat?(context: RunContext, options: Options, columns: readonly OutputColumn[]): CopyFormat | undefined;
  /** The COPY path: opens the file (preamble already written) to receive the CSV bytes. */
  openCopyTarget?(context: RunContext, options: Options, columns: readonly OutputColumn[]): Promise<CopyTarget>;
}

/** A file receiving COPY's bytes (CRLF line ends already); `finish` completes it once the stream ended. */
export interface CopyTarget {
  readonly output: Writable;
  finish(rows: number): Promise<ProducedFile[]>;
}

export function isActionStep(step: PipelineStep): step is ActionStep {
  return typeof (step as Partial<ActionStep>).open === 'function';
}
