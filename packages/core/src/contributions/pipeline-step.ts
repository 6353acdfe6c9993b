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
  phase: 'action' | 'consolidator' | 'postProcess';
  /** Canonical position among the steps of its phase (consolidators run in this order). */
  order: number;
  description: string;
  options: Readonly<Record<string, OptionMetadata>>;
}

/** Context handed to a pipeline step; see pipeline/run-context.ts. */
export interface PipelineStep<Context = unknown> {
  readonly metadata: PipelineStepMetadata;
  run(context: Context, options: Readonly<Record<string, unknown>>): Promise<void>;
}
