import type { Registry, ProviderEntry } from './registry.js';
import type { ParameterValueType } from '../contributions/value-types.js';
import type { OptionMetadata, StepPhase } from '../contributions/pipeline-step.js';
import type { Column } from '../contributions/column.js';
import { BOUNDS } from '../contributions/bounds.js';
import { STEP_SECTIONS, TEMPLATE_SCHEDULE_KEY, type StepSection } from '../template/names.js';
import { CRON_EXPRESSION_TEXT } from '../template/schedule.js';
import { ALLOWED_TIME_ZONES_TEXT } from '../parameters/time-zones.js';

/*
 * A JSON Schema (draft-07, what YAML editors read) for YAML templates, generated from the
 * registry: providers, their columns and parameters with value types and allowed values, the
 * steps of each section with their options — a plugin's as a built-in's. It helps editors
 * (completion, hover, early marks); `exportkit validate` stays the authority (cross-value
 * checks, time zones, file name patterns).
 */

type Schema = Record<string, unknown>;

/** A YAML scalar: YAML reads `3` as a number and `yes` as text; the engine reads every scalar as its text. */
const SCALAR = ['string', 'number', 'boolean'];

const SECTION_PHASE: Record<StepSection, StepPhase> = {
  actions: 'action',
  consolidators: 'consolidator',
  postProcess: 'postProcess',
};

/** The JSON Schema of YAML templates for what `registry` knows. */
export function templateJsonSchema(registry: Registry): Schema {
  const definitions: Record<string, Schema> = {};
  const exportRefs: Schema[] = [];
  const steps = Object.fromEntries(
    STEP_SECTIONS.map((section) => [section, stepList(registry, SECTION_PHASE[section])]),
  );
  for (const entry of registry.providerEntries()) {
    const name = entry.provider.metadata.name;
    definitions[`export-${name}`] = exportSchema(entry, steps);
    exportRefs.push({ $ref: `#/definitions/export-${name}` });
  }
  const oneExport = exportRefs.length === 1 ? exportRefs[0]! : { anyOf: exportRefs };
  definitions[TEMPLATE_SCHEDULE_KEY] = SCHEDULE_SCHEMA;
  const schedule = { $ref: `#/definitions/${TEMPLATE_SCHEDULE_KEY}` };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'exportkit YAML template',
    description: 'An `exports:` list, or the keys of one export at the top level.',
    definitions,
    anyOf: [
      {
        type: 'object',
        properties: {
          exports: {
            type: 'array',
            minItems: 1,
            // An export's definition takes the template's `schedule` (the one-export shorthand); an item does not.
            items: { allOf: [oneExport, { properties: { [TEMPLATE_SCHEDULE_KEY]: false } }] },
            description: 'The exports of this template.',
          },
          [TEMPLATE_SCHEDULE_KEY]: schedule,
        },
        required: ['exports'],
        additionalProperties: false,
      },
      oneExport,
    ],
  };
}

/** A template's `schedule:` (checked fully by `exportkit validate`: the expression's fields, the zone's name). */
const SCHEDULE_SCHEMA: Schema = {
  description:
    'When the template runs by itself (`exportkit worker` and `serve` register it with the scheduler): a cron expression read in UTC, or `cron` with a `timeZone`.',
  anyOf: [
    { type: 'string', minLength: 1, description: CRON_EXPRESSION_TEXT },
    {
      type: 'object',
      properties: {
        cron: { type: 'string', minLength: 1, description: CRON_EXPRESSION_TEXT },
        timeZone: { type: 'string', minLength: 1, description: `${ALLOWED_TIME_ZONES_TEXT}; default UTC` },
      },
      required: ['cron'],
      additionalProperties: false,
    },
  ],
};

function exportSchema(entry: ProviderEntry, steps: Record<string, Schema>): Schema {
  const m = entry.provider.metadata;
  const text = (maxLength: number, description: string): Schema => ({ type: SCALAR, maxLength, description });
  return {
    type: 'object',
    description: m.description,
    properties: {
      guid: text(BOUNDS.exportName, "The export's id (export_runs, delta mode)."),
      name: text(BOUNDS.exportName, "The export's name (file and package names)."),
      plugins: {
        type: 'array',
        items: { type: 'string', minLength: 1 },
        description: 'Plugin packages or paths this export needs.',
      },
      provider: { enum: [m.name, m.element, ...(m.aliases ?? [])], description: m.description },
      columns: {
        type: 'array',
        minItems: 1,
        maxItems: BOUNDS.columns,
        items: { anyOf: entry.columns.values().map((column) => columnSchema(column)) },
      },
      parameters: {
        type: 'object',
        properties: Object.fromEntries(
          entry.parameters
            .values()
            .flatMap((p) =>
              [p.metadata.name, ...(p.metadata.aliases ?? [])].map((spelling) => [
                spelling,
                { ...valueSchema(p.metadata.valueType), description: p.metadata.description },
              ]),
            ),
        ),
        additionalProperties: false,
      },
      ...steps,
      [TEMPLATE_SCHEDULE_KEY]: { $ref: `#/definitions/${TEMPLATE_SCHEDULE_KEY}` },
    },
    required: ['provider'],
    additionalProperties: false,
  };
}

/** A column: its name (or alias) alone, `name: value`, `name: {label, value, …attributes}`, or `{name, label, value}`. */
function columnSchema(column: Column): Schema {
  const m = column.metadata;
  const names = [m.name, ...(m.aliases ?? [])];
  const value =
    m.value === undefined || m.value === 'none'
      ? undefined
      : { ...valueSchema(m.valueType ?? { kind: 'string', maxLength: BOUNDS.columnValue }) };
  const properties: Record<string, Schema> = {
    label: { type: SCALAR, maxLength: BOUNDS.label, description: 'The header.' },
  };
  if (value) properties['value'] = value;
  for (const attribute of m.attributes ?? []) properties[attribute] = { type: SCALAR, maxLength: BOUNDS.text };
  const settings: Schema = {
    type: 'object',
    properties,
    additionalProperties: false,
    ...(m.value === 'required' ? { required: ['value'] } : {}),
  };
  const forms: Schema[] = [];
  if (m.value !== 'required') forms.push({ enum: names, description: m.description });
  const oneKey = value ? { anyOf: [value, settings] } : { anyOf: [{ type: 'null' }, settings] };
  forms.push({
    type: 'object',
    description: m.description,
    properties: Object.fromEntries(names.map((n) => [n, oneKey])),
    minProperties: 1,
    maxProperties: 1,
    additionalProperties: false,
  });
  forms.push({
    ...settings,
    properties: { name: { enum: names }, ...properties },
    required: ['name', ...(m.value === 'required' ? ['value'] : [])],
  });
  return { anyOf: forms };
}

/** The steps one section accepts: `- name` or `- name: {options}`. */
function stepList(registry: Registry, phase: StepPhase): Schema {
  const forms = registry.stepsOf(phase).map((step) => {
    const options = step.acceptedOptions?.(registry) ?? step.metadata.options;
    const required = Object.entries(options)
      .filter(([, o]) => o.required)
      .map(([n]) => n);
    const optionSchema: Schema = {
      type: 'object',
      properties: Object.fromEntries(
        Object.entries(options).map(([name, option]) => [name, optionValueSchema(option)]),
      ),
      additionalProperties: false,
      ...(required.length ? { required } : {}),
    };
    const name = step.metadata.name;
    const withOptions: Schema = {
      type: 'object',
      description: step.metadata.description,
      properties: { [name]: required.length ? optionSchema : { anyOf: [{ type: 'null' }, optionSchema] } },
      required: [name],
      additionalProperties: false,
    };
    return required.length ? [withOptions] : [{ const: name, description: step.metadata.description }, withOptions];
  });
  return { type: 'array', items: { anyOf: forms.flat() } };
}

function optionValueSchema(option: OptionMetadata): Schema {
  return {
    ...valueSchema(option.type),
    description: option.description,
    ...(option.default !== undefined && typeof option.default !== 'object' ? { default: option.default } : {}),
  };
}

/** What a value of one type may be in YAML (the engine reads every scalar as its text). */
export function valueSchema(type: ParameterValueType): Schema {
  switch (type.kind) {
    case 'string':
      return { type: SCALAR, maxLength: type.maxLength ?? BOUNDS.text, ...(type.nonEmpty ? { minLength: 1 } : {}) };
    case 'int': {
      const min = type.min ?? BOUNDS.intMin;
      const max = type.max ?? BOUNDS.intMax;
      return {
        anyOf: [
          { type: 'integer', minimum: min, maximum: max },
          { type: 'string', pattern: '^-?[0-9]+$' },
        ],
      };
    }
    case 'yesno':
      return {
        anyOf: [
          { type: 'boolean' },
          { enum: [0, 1] },
          { type: 'string', pattern: '^([yY]([eE][sS])?|[nN][oO]?|[tT][rR][uU][eE]|[fF][aA][lL][sS][eE]|1|0)$' },
        ],
      };
    case 'guid':
      return {
        type: 'string',
        pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
      };
    case 'timeZone':
      return { type: 'string', pattern: '^(UTC|[A-Za-z_]+(/[A-Za-z0-9_+-]+)+)$' };
    case 'date':
      return { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' };
    case 'enum':
      return { enum: [...new Set([...type.values, ...Object.keys(type.synonyms ?? {})])] };
    case 'list':
      return {
        anyOf: [
          { type: 'array', items: valueSchema(type.item), maxItems: type.maxItems ?? BOUNDS.items },
          { type: SCALAR },
        ],
      };
    case 'map':
      return {
        type: 'object',
        propertyNames: { enum: [...type.keys] },
        additionalProperties: { type: SCALAR, maxLength: type.maxLength ?? BOUNDS.text },
      };
    case 'templates':
      return {
        anyOf: [
          {
            type: 'object',
            maxProperties: BOUNDS.items,
            additionalProperties: { type: 'string', maxLength: BOUNDS.templateText },
          },
          {
            type: 'array',
            maxItems: BOUNDS.items,
            items: {
              type: 'object',
              properties: { id: { type: SCALAR }, text: { type: 'string', maxLength: BOUNDS.templateText } },
              required: ['id', 'text'],
            },
          },
        ],
      };
  }
}
