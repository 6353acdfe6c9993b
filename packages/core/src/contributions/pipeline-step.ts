import type { ParameterValueType } from './value-types.js';

export interface OptionMetadata {
  type: ParameterValueType;
  description: string;
  default?: unknown;
  required?: boolean;
}

export interface PipelineStepMetadata {
  /** Element name in the template: fileExportAction, moveToFolder, packager... */
  name: string;
  phase: 'action' | 'consolidator' | 'postProcess' | 'package';
  /**
   * Canonical position among the steps of its phase (consolidators run in this order).
   * The `package` phase is the default package, run when no post-process step packages.
   */
  order: number;
  description: string;
  options: Readonly<Record<string, OptionMetadata>>;
  /** The step bundles the report files itself (a packager): no default package then. */
  packages?: boolean;
}

/** Context handed to a pipeline step; see pipeline/run-context.ts. */
export interface PipelineStep<Context = unknown> {
  readonly metadata: PipelineStepMetadata;
  /** Options accepted, when they depend on other contributions (a file action and its writers). */
  acceptedOptions?(): Readonly<Record<string, OptionMetadata>>;
  /** Cross-option checks after each option was parsed; returns messages. */
  check?(options: Readonly<Record<string, unknown>>): string[];
  run(context: Context, options: Readonly<Record<string, unknown>>): Promise<void>;
}
