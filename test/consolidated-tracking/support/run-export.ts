import type { Knex } from 'knex';
import {
  Registry,
  composeQuery,
  createContainer,
  createFormatContext,
  createRowFormatter,
  formattingSettings,
  parseValue,
  type Column,
  type ColumnSpec,
  type ColumnUse,
  type ComposedQuery,
  type ProviderEntry,
  type RawValue,
  type SqlFragment,
} from '@exportkit/core';
import consolidatedTracking from '@exportkit/plugin-consolidated-tracking';

/*
 * Runs the consolidatedTracking provider the way the engine does — parameters parsed by their
 * declared types with defaults, cross-parameter checks, one composed query, rows formatted by
 * core's row formatter — but without templates, writers or export_runs, so tests can look at
 * the SQL and the cells directly.
 */

export type ColumnInput =
  string | { name: string; value?: string; label?: string; attributes?: Record<string, string> };
export type ParameterInput =
  string | number | readonly string[] | Readonly<Record<string, string>> | { templates: Record<string, string> };

export interface ExportSpec {
  columns: readonly ColumnInput[];
  /** By name as a template would write it (canonical or alias). */
  parameters?: Readonly<Record<string, ParameterInput>>;
  now?: Date;
  exportGuid?: string;
}

export interface ExportRows {
  headers: string[];
  /** Formatted cells, as writers receive them. */
  rows: string[][];
  /** Canonical database values by column (null for NULL and for computed columns). */
  raw: Array<Array<string | null>>;
  query: ComposedQuery;
}

let registry: Registry | undefined;
export function ctRegistry(): Registry {
  registry ??= Registry.fromContainer(createContainer([consolidatedTracking]));
  return registry;
}

export function ctProvider(): ProviderEntry {
  return ctRegistry().provider('consolidatedTracking')!;
}

export const DEFAULT_NOW = new Date('2021-05-28T12:00:00Z');

function toRaw(input: ParameterInput): RawValue {
  if (typeof input === 'string') return { kind: 'scalar', text: input };
  if (typeof input === 'number') return { kind: 'scalar', text: String(input) };
  if (Array.isArray(input)) return { kind: 'list', items: [...(input as string[])] };
  if ('templates' in input && typeof input.templates === 'object') {
    return {
      kind: 'entries',
      entries: Object.entries(input.templates as Record<string, string>).map(([id, text]) => ({
        line: 1,
        name: 'template',
        attributes: { id },
        text,
      })),
    };
  }
  return {
    kind: 'map',
    children: Object.fromEntries(
      Object.entries(input as Record<string, string>).map(([k, text]) => [k, { kind: 'scalar', text, line: 1 }]),
    ),
  };
}

/** Parses the parameters (defaults included) and runs their cross-parameter checks. */
export function resolveParameters(
  given: ExportSpec['parameters'] = {},
  exportGuid: string | undefined = 'fixture-export',
): {
  values: Map<string, unknown>;
  given: Set<string>;
  messages: string[];
} {
  const entry = ctProvider();
  const values = new Map<string, unknown>();
  const names = new Set<string>();
  const messages: string[] = [];
  for (const p of entry.parameters.values())
    if (p.metadata.default !== undefined) values.set(p.metadata.name, p.metadata.default);
  for (const [name, input] of Object.entries(given)) {
    const p = entry.parameters.get(name);
    if (!p) {
      messages.push(`unknown parameter ${name}`);
      continue;
    }
    const parsed = parseValue(p.metadata.valueType, toRaw(input));
    if (!parsed.ok) messages.push(`${name}: ${parsed.message}`);
    else values.set(p.metadata.name, parsed.value);
    names.add(p.metadata.name);
  }
  for (const name of names) {
    const p = entry.parameters.get(name)!;
    messages.push(...(p.check?.(values.get(name), values, names, { exportGuid }) ?? []));
  }
  return { values, given: names, messages };
}

export function columnUses(columns: readonly ColumnInput[]): Array<{ column: Column; use: ColumnUse }> {
  const entry = ctProvider();
  return columns.map((input, index) => {
    const c = typeof input === 'string' ? { name: input } : input;
    const spec: ColumnSpec = { line: 1, name: c.name, label: c.label, value: c.value, attributes: c.attributes ?? {} };
    const column = entry.columns.get(c.name);
    if (!column) throw new Error(`unknown column ${c.name}`);
    return { column, use: { spec, index, header: c.label ?? c.name } };
  });
}

export function compose(
  knex: Knex,
  spec: ExportSpec,
  uses = columnUses(spec.columns),
): ComposedQuery & { parameters: Map<string, unknown> } {
  const { values, messages } = resolveParameters(spec.parameters);
  const errors = messages.filter((m) => !m.startsWith('warning: '));
  if (errors.length) throw new Error(errors.join('\n'));
  const query = composeQuery(knex, {
    provider: ctProvider(),
    columns: uses,
    parameters: values,
    timeZone: (values.get('timeZone') as string | undefined) ?? 'UTC',
    now: spec.now ?? DEFAULT_NOW,
    exportGuid: spec.exportGuid,
  });
  return { ...query, parameters: values };
}

/** Composes, runs and formats: the rows an export of `spec` would write. */
export async function runExport(knex: Knex, spec: ExportSpec): Promise<ExportRows> {
  // Parameters resolved and columns looked up once, for the query and the formatter alike.
  const uses = columnUses(spec.columns);
  const { parameters: values, ...query } = compose(knex, spec, uses);
  const settings = formattingSettings(ctProvider().provider.metadata.formatting ?? {}, values);
  const format = createRowFormatter(uses, query.slots, createFormatContext(settings, values), settings);
  const result = await knex.raw(query.sql, query.bindings as Knex.RawBinding[]);
  const fetched: Array<Record<string, string | null>> = result.rows;
  const rows: string[][] = [];
  const raw: Array<Array<string | null>> = [];
  const selected = query.slots.filter((slot) => slot !== undefined).length;
  for (const record of fetched) {
    const out = format(Array.from({ length: selected }, (_v, i) => record[`c${i}`] ?? null));
    rows.push([...out.cells]);
    raw.push([...out.raw]);
  }
  return { headers: uses.map((u) => u.use.header), rows, raw, query };
}

/** The column checks (e.g. unknown custom field GUIDs) against a database. */
export async function checkColumns(knex: Knex, spec: ExportSpec): Promise<string[]> {
  const { values } = resolveParameters(spec.parameters);
  const messages: string[] = [];
  const context = {
    param: <T>(name: string) => values.get(name) as T,
    columnCount: spec.columns.length,
    query: async <T>(fragment: SqlFragment) =>
      (await knex.raw(fragment.sql, fragment.bindings as Knex.RawBinding[])).rows as T[],
  };
  for (const { column, use } of columnUses(spec.columns))
    messages.push(...((await column.check?.(use, context)) ?? []));
  return messages;
}

/** Rows as objects keyed by header, for readable expectations. */
export function byHeader(result: ExportRows): Array<Record<string, string>> {
  return result.rows.map((cells) => Object.fromEntries(result.headers.map((h, i) => [h, cells[i]!])));
}

/** One column's cells, in row order. */
export function cellsOf(result: ExportRows, header: string): string[] {
  const i = result.headers.indexOf(header);
  if (i < 0) throw new Error(`no column ${header}`);
  return result.rows.map((cells) => cells[i]!);
}
