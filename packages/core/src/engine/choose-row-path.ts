import type { Knex } from 'knex';
import type { ExportPlan, PlannedStep } from '../validation/export-plan.js';
import type { CopyFormat, OutputColumn } from '../contributions/writer.js';
import type { ActionStep, RunContext } from '../pipeline/run-context.js';
import { isActionStep } from '../pipeline/run-context.js';
import { composeQuery, type ComposedQuery } from '../query/composer.js';
import type { FormattingSettings } from '../format/create-format-context.js';
import { formattedCellSql } from '../format/sql-formatters.js';

/** `auto`: COPY when the export allows it; `off`: always the row path. */
export type CopyPathMode = 'auto' | 'off';

/** The mode when none is given: EXPORTKIT_COPY_PATH (`auto` or `off`), else `auto`. */
export function defaultCopyPath(): CopyPathMode {
  const fromEnv = process.env['EXPORTKIT_COPY_PATH']?.trim().toLowerCase();
  return fromEnv === 'auto' || fromEnv === 'off' ? fromEnv : 'auto';
}

/** The COPY path, when chosen: the one action, its CSV parameters and the formatted query. */
export interface CopyPlan {
  action: PlannedStep & { step: ActionStep };
  format: CopyFormat;
  query: ComposedQuery;
}

export interface ChooseRowPathRequest {
  knex: Knex;
  plan: ExportPlan;
  context: RunContext;
  settings: FormattingSettings;
  columns: readonly OutputColumn[];
  timeZone: string;
  now: Date;
  exportGuid?: string;
  mode?: CopyPathMode;
}

/**
 * Whether PostgreSQL itself can write the export's one file (`COPY … TO STDOUT (FORMAT csv)`),
 * byte for byte as the row path would (on a PostgreSQL server and on PGlite alike): exactly one action whose writer can be produced by COPY for its options
 * (CSV/TSV in UTF-8 without formula escaping), no stripHTML, and every column with a SQL form of
 * its formatting. Otherwise undefined: the row path.
 */
export function chooseCopyPath(request: ChooseRowPathRequest): CopyPlan | undefined {
  const { knex, plan, settings, columns } = request;
  if ((request.mode ?? defaultCopyPath()) === 'off') return undefined;
  if (plan.actions.length !== 1 || plan.columns.length === 0 || settings.stripHtml) return undefined;
  const action = plan.actions[0]!;
  const step = action.step;
  if (!isActionStep(step) || !step.copyFormat || !step.openCopyTarget) return undefined;
  const format = step.copyFormat(request.context, action.options, columns);
  if (!format) return undefined;
  const query = composeQuery(knex, {
    provider: plan.provider,
    columns: plan.columns,
    parameters: plan.parameters,
    timeZone: request.timeZone,
    now: request.now,
    exportGuid: request.exportGuid,
    cell: (column, use, expression) =>
      formattedCellSql(column, use, expression, { settings, decimal: format.decimal, params: plan.parameters }),
  });
  if (query.slots.some((slot) => slot === undefined)) return undefined;
  return { action: { ...action, step }, format, query };
}
