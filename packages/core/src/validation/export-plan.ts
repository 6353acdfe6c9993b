import type { Column, ColumnUse } from '../contributions/column.js';
import type { PipelineStep } from '../contributions/pipeline-step.js';
import type { ProviderEntry } from '../registry/registry.js';
import type { ExportDefinition, StepSpec } from '../template/model.js';
import type { TemplateIssue } from '../errors/template-error.js';

export interface PlannedStep {
  step: PipelineStep;
  spec: StepSpec;
  /** The options as the step receives them: parsed (defaults included), then `prepare`d when the step types them. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  options: any;
}

/** An export checked against the registry: everything a run needs, resolved. */
export interface ExportPlan {
  file: string;
  definition: ExportDefinition;
  provider: ProviderEntry;
  columns: Array<{ column: Column; use: ColumnUse }>;
  /** Canonical parameter name → parsed value, defaults included. */
  parameters: Map<string, unknown>;
  /** Canonical names of the parameters the template sets. */
  given: Set<string>;
  actions: PlannedStep[];
  consolidators: PlannedStep[];
  postProcess: PlannedStep[];
  warnings: TemplateIssue[];
}
