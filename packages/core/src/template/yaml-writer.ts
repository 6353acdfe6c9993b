import { stringify } from 'yaml';
import { ExportkitError } from '../errors/exportkit-error.js';
import type { ColumnSpec, ExportConfig, ExportDefinition, RawValue, StepSpec } from './model.js';
import { TEMPLATES_PARAMETER, TEMPLATE_ENTRY, TEMPLATE_SCHEDULE_KEY } from './names.js';

/** Raised when a model cannot be written in the other spelling without loss. */
export class TemplateConversionError extends ExportkitError {}

type YamlValue = string | YamlValue[] | Map<string, YamlValue>;

/**
 * Writes a template model as YAML. One export is written as its keys at top level, several as
 * an `exports:` list. Names (provider, columns, parameters, steps) are written as they are in
 * the model; `readYamlTemplate(toYaml(c))` gives `c` back except lines.
 */
export function toYaml(config: ExportConfig): string {
  const exports = config.exports.map(exportValue);
  const body = exports.length === 1 ? exports[0]! : new Map<string, YamlValue>([['exports', exports]]);
  if (config.schedule) {
    const { cron, timeZone } = config.schedule;
    const schedule = new Map<string, YamlValue>([
      ['cron', cron],
      ['timeZone', timeZone],
    ]);
    return stringify(new Map<string, YamlValue>([[TEMPLATE_SCHEDULE_KEY, schedule], ...body]), { lineWidth: 0 });
  }
  return stringify(body, { lineWidth: 0 });
}

function exportValue(definition: ExportDefinition): Map<string, YamlValue> {
  const out = new Map<string, YamlValue>();
  if (definition.guid !== undefined) out.set('guid', definition.guid);
  if (definition.name !== undefined) out.set('name', definition.name);
  if (definition.plugins.length > 0)
    out.set(
      'plugins',
      definition.plugins.map((p) => p.specifier),
    );
  out.set('provider', definition.provider.name);
  if (definition.provider.columns.length > 0) out.set('columns', definition.provider.columns.map(columnValue));
  if (definition.provider.parameters.length > 0) {
    out.set(
      'parameters',
      new Map(definition.provider.parameters.map((p) => [p.name, rawValue(p.value, p.name === TEMPLATES_PARAMETER)])),
    );
  }
  for (const section of ['actions', 'consolidators', 'postProcess'] as const) {
    if (definition[section].length > 0) out.set(section, definition[section].map(stepValue));
  }
  return out;
}

function columnValue(column: ColumnSpec): YamlValue {
  const properties = new Map<string, YamlValue>();
  if (column.label !== undefined) properties.set('label', column.label);
  if (column.value !== undefined) properties.set('value', column.value);
  for (const [name, value] of Object.entries(column.attributes)) {
    if (name === 'label' || name === 'value' || (column.name === 'name' && name === 'name')) {
      throw new TemplateConversionError(
        `column ${column.name} (line ${column.line}): its attribute "${name}" has no YAML spelling`,
      );
    }
    properties.set(name, value);
  }
  if (column.name === 'name') return new Map<string, YamlValue>([['name', column.name], ...properties]);
  if (properties.size === 0) return column.name;
  return new Map<string, YamlValue>([[column.name, properties]]);
}

function stepValue(step: StepSpec): YamlValue {
  const options = Object.entries(step.options);
  if (options.length === 0) return step.type;
  return new Map<string, YamlValue>([
    [step.type, new Map(options.map(([name, value]) => [name, rawValue(value, false)]))],
  ]);
}

function rawValue(value: RawValue, templates: boolean): YamlValue {
  switch (value.kind) {
    case 'scalar':
      return value.text;
    case 'list':
      return [...value.items];
    case 'map':
      return new Map(Object.entries(value.children).map(([name, child]) => [name, rawValue(child, false)]));
    case 'entries': {
      const ids = new Set(value.entries.map((e) => e.attributes['id']));
      const shorthand =
        templates &&
        ids.size === value.entries.length &&
        value.entries.every(
          (e) =>
            e.name === TEMPLATE_ENTRY && Object.keys(e.attributes).length === 1 && e.attributes['id'] !== undefined,
        );
      if (shorthand) return new Map(value.entries.map((e) => [e.attributes['id']!, e.text]));
      return value.entries.map((entry) => {
        const attributes = Object.entries(entry.attributes);
        if (attributes.length === 0) return new Map<string, YamlValue>([[entry.name, entry.text]]);
        if (entry.attributes['text'] !== undefined) {
          throw new TemplateConversionError(
            `<${entry.name}> (line ${entry.line}): its attribute "text" has no YAML spelling`,
          );
        }
        const map = new Map<string, YamlValue>(attributes);
        if (entry.text !== '') map.set('text', entry.text);
        return new Map<string, YamlValue>([[entry.name, map]]);
      });
    }
  }
}
