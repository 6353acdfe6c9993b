import type { ParameterValueType } from './value-types.js';
import type { Registry } from '../registry/registry.js';

/** An option of a step or a writer, as data: its value type (with allowed values), default, description. */
export interface OptionMetadata {
  type: ParameterValueType;
  description: string;
  default?: unknown;
  required?: boolean;
}

/**
 * When a step runs, each phase with its own context type (pipeline/run-context.ts):
 * `action` turns the row stream into files (ActionStep, RunContext); `consolidator` works on the
 * files (ConsolidatorStep, RunContext); `postProcess` works on them last and may package them
 * (PostProcessStep, PostProcessContext: adds the manifest); `package` is the default package,
 * run when no post-process step packages (PackageStep, PackageStepContext).
 */
export type StepPhase = 'action' | 'consolidator' | 'postProcess' | 'package';

export interface PipelineStepMetadata {
  /** Element name in the template: fileExportAction, moveToFolder, packager... */
  name: string;
  phase: StepPhase;
  /**
   * Canonical position among the steps of its phase: consolidators run in this order whatever
   * the template's order (validation warns when they differ); post-process steps run as written.
   */
  order: number;
  description: string;
  options: Readonly<Record<string, OptionMetadata>>;
  /** The step bundles the report files itself (a packager): no default package then. */
  packages?: boolean;
  /**
   * The step delivers the final files to a peer (SFTP, e-mail, callback): it runs once the run's
   * files are committed, in its phase's order, and a failure keeps the files (DeliveryStep).
   */
  delivers?: boolean;
}

/**
 * A pipeline step. `Options` is what `run` receives: the parsed template options, or the typed
 * value `prepare` makes of them once, at validation.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface PipelineStep<Context = unknown, Options = any> {
  readonly metadata: PipelineStepMetadata;
  /** Options accepted, when they depend on other contributions (a file action: its writers' formats and options). */
  acceptedOptions?(registry: Registry): Readonly<Record<string, OptionMetadata>>;
  /** Cross-option checks after each option was parsed; returns messages. */
  check?(options: Readonly<Record<string, unknown>>, registry: Registry): string[];
  /** The typed value `run` (or an action's `open`) receives, made once from the checked options. */
  prepare?(options: Readonly<Record<string, unknown>>, registry: Registry): Options;
  run(context: Context, options: Options): Promise<void>;
}
