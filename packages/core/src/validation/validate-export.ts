import type { Registry } from '../registry/registry.js';
import type { ExportDefinition, StepSpec, RawValue, Located } from '../template/model.js';
import type { TemplateIssue } from '../errors/template-error.js';
import type { ColumnCheckContext, ColumnUse, Column } from '../contributions/column.js';
import type { OptionMetadata, PipelineStepMetadata } from '../contributions/pipeline-step.js';
import type { ExportPlan, PlannedStep } from './export-plan.js';
import { longerThan, parseValue } from '../parameters/parse-value.js';
import { BOUNDS } from '../contributions/bounds.js';
import { databaseKnowsZone } from './database-time-zone.js';
import { closest } from './suggest.js';
import { hasOwnName, ownEntry } from '../template/name-table.js';
import { exportNameProblem } from './export-names.js';

/** The action an export without actions runs, with its defaults. */
export const DEFAULT_ACTION = 'fileExportAction';

/**
 * Checks one export against the registry before any query runs and resolves it into a plan.
 * Every problem is collected (file, line, element, closest known name), none stops the search.
 * Everything static is checked without a database; `database` adds only what needs the data
 * (a custom field GUID that exists, a time zone PostgreSQL knows).
 */
export async function validateExport(
  file: string,
  definition: ExportDefinition,
  registry: Registry,
  database?: Required<Pick<ColumnCheckContext, 'query'>>,
): Promise<{ plan?: ExportPlan; issues: TemplateIssue[] }> {
  const issues: TemplateIssue[] = [];
  const warnings: TemplateIssue[] = [];
  const issue = (at: Located, element: string, message: string, suggestion?: string) =>
    issues.push({ file, line: at.line, element, message, suggestion });

  for (const attribute of ['name', 'guid'] as const) {
    const text = definition[attribute];
    const problem = text === undefined ? undefined : exportNameProblem(text);
    if (problem) issue(definition, attribute, `export ${attribute} ${problem}`);
  }

  const spec = definition.provider;
  const provider = registry.provider(spec.name);
  if (!provider) {
    issue(
      spec,
      spec.name,
      `unknown provider; known: ${registry.providerNames().join(', ')}`,
      closest(spec.name, registry.providerSpellings()),
    );
    return { issues };
  }

  // Parameters first: columns' checks may read them.
  const parameters = new Map<string, unknown>();
  const given = new Set<string>();
  for (const parameter of provider.parameters.values()) {
    if (parameter.metadata.default !== undefined) parameters.set(parameter.metadata.name, parameter.metadata.default);
  }
  for (const p of spec.parameters) {
    const parameter = provider.parameters.get(p.name);
    if (!parameter) {
      issue(
        p,
        p.name,
        `unknown parameter of ${provider.provider.metadata.name}`,
        closest(p.name, provider.parameters.allNames()),
      );
      continue;
    }
    const canonical = parameter.metadata.name;
    if (given.has(canonical)) {
      issue(p, p.name, `parameter ${canonical} is given twice`);
      continue;
    }
    given.add(canonical);
    const parsed = parseValue(parameter.metadata.valueType, p.value);
    if (!parsed.ok) {
      issue(p, p.name, parsed.message, parsed.suggestion);
      continue;
    }
    parameters.set(canonical, parsed.value);
    if (
      database &&
      parameter.metadata.valueType.kind === 'timeZone' &&
      !(await databaseKnowsZone(database, String(parsed.value)))
    ) {
      issue(
        p,
        p.name,
        `the database does not know the time zone ${String(parsed.value)}; update its tz database or choose another region`,
      );
    }
  }
  for (const p of spec.parameters) {
    const parameter = provider.parameters.get(p.name);
    if (!parameter?.check || !given.has(parameter.metadata.name)) continue;
    for (const message of parameter.check(parameters.get(parameter.metadata.name), parameters, given, {
      exportGuid: definition.guid,
    })) {
      if (message.startsWith('warning: '))
        warnings.push({ file, line: p.line, element: p.name, message: message.slice(9), severity: 'warning' });
      else issue(p, p.name, message);
    }
  }

  // Columns.
  const columns: Array<{ column: Column; use: ColumnUse }> = [];
  if (spec.columns.length === 0) issue(spec, spec.name, 'no columns: list at least one column');
  const tooMany = spec.columns.length > BOUNDS.columns;
  if (tooMany) {
    // Named once, at the first column too many; the columns themselves are not checked.
    const first = spec.columns[BOUNDS.columns]!;
    issue(
      first,
      first.name,
      `${spec.columns.length} columns; allowed: at most ${BOUNDS.columns.toLocaleString('en-US')} per export`,
    );
  }
  const checkContext: ColumnCheckContext = {
    param: <T>(name: string) => parameters.get(name) as T,
    columnCount: spec.columns.length,
    query: database?.query,
  };
  for (const [index, c] of tooMany ? [] : spec.columns.entries()) {
    const column = provider.columns.get(c.name);
    if (!column) {
      const near = closest(c.name, provider.columns.allNames());
      // Nothing close: more likely a column of a plugin that is not loaded than a typo.
      const hint = near
        ? ''
        : "; no known column is close: if a plugin defines it, load that plugin (--plugin, or the export's plugins list)";
      issue(c, c.name, `unknown column of ${provider.provider.metadata.name}${hint}`, near);
      continue;
    }
    const m = column.metadata;
    const valueRule = m.value ?? 'none';
    if (valueRule === 'required' && (c.value === undefined || c.value === ''))
      issue(c, c.name, `${m.name} needs a value as its text`);
    if (valueRule === 'none' && c.value !== undefined && c.value !== '')
      issue(c, c.name, `${m.name} takes no text value`);
    let valid = true;
    if (valueRule !== 'none' && c.value !== undefined && c.value !== '') {
      const parsed = parseValue(m.valueType ?? { kind: 'string', maxLength: BOUNDS.columnValue }, {
        kind: 'scalar',
        text: c.value,
      });
      if (!parsed.ok) {
        issue(c, c.name, `${m.name}: ${parsed.message}`);
        valid = false;
      }
    }
    if (c.label !== undefined && longerThan(c.label, BOUNDS.label)) {
      issue(c, c.name, `label is longer than ${BOUNDS.label.toLocaleString('en-US')} characters, the most allowed`);
    }
    const allowed = m.attributes ?? [];
    for (const [attribute, text] of Object.entries(c.attributes)) {
      if (!allowed.includes(attribute)) {
        issue(
          c,
          c.name,
          `unknown attribute "${attribute}"; allowed: ${['label', ...allowed].join(', ')}`,
          closest(attribute, ['label', ...allowed]),
        );
        valid = false;
      } else if (longerThan(text, BOUNDS.text)) {
        issue(
          c,
          c.name,
          `attribute ${attribute} is longer than ${BOUNDS.text.toLocaleString('en-US')} characters, the most allowed`,
        );
        valid = false;
      }
    }
    const use: ColumnUse = { spec: c, index, header: c.label ?? c.name };
    if (column.check && valid) {
      for (const message of await column.check(use, checkContext)) issue(c, c.name, message);
    }
    columns.push({ column, use });
  }

  // Without any action, an export writes one file with the default action's defaults (CSV).
  const actionSpecs = definition.actions.length
    ? definition.actions
    : [{ type: DEFAULT_ACTION, options: {}, line: definition.line }];
  const actions = validateSteps(file, actionSpecs, 'action', registry, issues, warnings);
  const consolidators = validateSteps(file, definition.consolidators, 'consolidator', registry, issues, warnings);
  const postProcess = validateSteps(file, definition.postProcess, 'postProcess', registry, issues, warnings);

  // Reported in reading order, whatever order the checks ran in.
  issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  if (issues.length) return { issues: [...issues, ...warnings] };
  return {
    issues: warnings,
    plan: { file, definition, provider, columns, parameters, given, actions, consolidators, postProcess, warnings },
  };
}

function validateSteps(
  file: string,
  specs: readonly StepSpec[],
  phase: PipelineStepMetadata['phase'],
  registry: Registry,
  issues: TemplateIssue[],
  warnings: TemplateIssue[],
): PlannedStep[] {
  const known = registry.stepsOf(phase);
  const planned: PlannedStep[] = [];
  for (const spec of specs) {
    const step = known.find((s) => s.metadata.name === spec.type);
    if (!step) {
      const names = known.map((s) => s.metadata.name);
      issues.push({
        file,
        line: spec.line,
        element: spec.type,
        message: `unknown ${phase === 'postProcess' ? 'post-process step' : phase}; known: ${names.join(', ') || 'none'}`,
        suggestion: closest(spec.type, names),
      });
      continue;
    }
    const accepted = step.acceptedOptions?.(registry) ?? step.metadata.options;
    const options = parseOptions(file, spec, accepted, issues);
    if (!options) continue;
    const problems = step.check?.(options, registry) ?? [];
    for (const message of problems) issues.push({ file, line: spec.line, element: spec.type, message });
    // Options become the step's typed value once, here; the run hands that value over as it is.
    if (!problems.length)
      planned.push({ step, spec, options: step.prepare ? step.prepare(options, registry) : options });
  }
  if (phase === 'consolidator') {
    const written = planned.map((p) => p.step.metadata.order);
    if (written.some((order, i) => i > 0 && order < written[i - 1]!)) {
      warnings.push({
        file,
        line: specs[0]?.line,
        element: 'consolidators',
        severity: 'warning',
        message: `consolidators run in the order ${[...planned]
          .sort((a, b) => a.step.metadata.order - b.step.metadata.order)
          .map((p) => p.step.metadata.name)
          .join(', ')}, not as written`,
      });
    }
    planned.sort((a, b) => a.step.metadata.order - b.step.metadata.order);
  }
  return planned;
}

function parseOptions(
  file: string,
  spec: StepSpec,
  accepted: Readonly<Record<string, OptionMetadata>>,
  issues: TemplateIssue[],
): Record<string, unknown> | undefined {
  const before = issues.length;
  const options: Record<string, unknown> = {};
  for (const [name, meta] of Object.entries(accepted)) if (meta.default !== undefined) options[name] = meta.default;
  for (const [name, raw] of Object.entries(spec.options) as Array<[string, RawValue & Located]>) {
    const meta = ownEntry(accepted, name);
    if (!meta) {
      issues.push({
        file,
        line: raw.line,
        element: `${spec.type}.${name}`,
        message: `unknown option; allowed: ${Object.keys(accepted).join(', ')}`,
        suggestion: closest(name, Object.keys(accepted)),
      });
      continue;
    }
    const parsed = parseValue(meta.type, raw);
    if (parsed.ok) options[name] = parsed.value;
    else
      issues.push({
        file,
        line: raw.line,
        element: `${spec.type}.${name}`,
        message: parsed.message,
        suggestion: parsed.suggestion,
      });
  }
  for (const [name, meta] of Object.entries(accepted)) {
    if (meta.required && !hasOwnName(spec.options, name)) {
      issues.push({ file, line: spec.line, element: spec.type, message: `missing mandatory option ${name}` });
    }
  }
  return issues.length === before ? options : undefined;
}
