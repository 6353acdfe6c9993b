import type { ColumnSpec, ExportConfig, ExportDefinition, RawValue, StepSpec } from './model.js';
import { TemplateConversionError } from './yaml-writer.js';

const INDENT = '  ';
/** XML 1.0 names, restricted to what templates use (no namespace prefixes are needed). */
const XML_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;

/**
 * Writes a template model as XML. One export without guid and name is written as a
 * `<providers>` document, anything else as `<export-config>`. Lists are written as
 * comma-separated text (the way XML spells lists).
 */
export function toXml(config: ExportConfig): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const [only] = config.exports;
  const bare = only && only.guid === undefined && only.name === undefined && isBare(only);
  if (config.exports.length === 1 && bare && !config.schedule) {
    writeProviders(out, only, 0);
  } else {
    out.push('<export-config>');
    if (config.schedule) {
      const { cron, timeZone } = config.schedule;
      out.push(
        `${INDENT}<schedule${attributeText([
          ['cron', cron],
          ['timeZone', timeZone],
        ])}/>`,
      );
    }
    for (const definition of config.exports) writeExport(out, definition, 1);
    out.push('</export-config>');
  }
  return out.join('\n') + '\n';
}

/** An export that a `<providers>` root can hold: nothing but its provider. */
function isBare(definition: ExportDefinition): boolean {
  return (
    definition.plugins.length === 0 &&
    definition.actions.length === 0 &&
    definition.consolidators.length === 0 &&
    definition.postProcess.length === 0
  );
}

function writeExport(out: string[], definition: ExportDefinition, depth: number): void {
  const pad = INDENT.repeat(depth);
  const attributes: Array<[string, string]> = [];
  if (definition.guid !== undefined) attributes.push(['guid', definition.guid]);
  if (definition.name !== undefined) attributes.push(['name', definition.name]);
  out.push(`${pad}<export${attributeText(attributes)}>`);
  if (definition.plugins.length > 0) {
    out.push(`${pad}${INDENT}<plugins>`);
    for (const plugin of definition.plugins)
      out.push(`${pad}${INDENT}${INDENT}<plugin>${escapeText(plugin.specifier)}</plugin>`);
    out.push(`${pad}${INDENT}</plugins>`);
  }
  writeProviders(out, definition, depth + 1);
  for (const section of ['actions', 'consolidators', 'postProcess'] as const) {
    if (definition[section].length === 0) continue;
    out.push(`${pad}${INDENT}<${section}>`);
    for (const step of definition[section]) writeStep(out, step, depth + 2);
    out.push(`${pad}${INDENT}</${section}>`);
  }
  out.push(`${pad}</export>`);
}

function writeProviders(out: string[], definition: ExportDefinition, depth: number): void {
  const pad = INDENT.repeat(depth);
  const provider = definition.provider;
  const name = checkName(provider.name, `provider (line ${provider.line})`);
  out.push(`${pad}<providers>`);
  out.push(`${pad}${INDENT}<${name}>`);
  if (provider.columns.length > 0) {
    out.push(`${pad}${INDENT}${INDENT}<columns>`);
    for (const column of provider.columns) out.push(columnText(column, depth + 3));
    out.push(`${pad}${INDENT}${INDENT}</columns>`);
  }
  if (provider.parameters.length > 0) {
    out.push(`${pad}${INDENT}${INDENT}<parameters>`);
    for (const parameter of provider.parameters) {
      writeValue(out, checkName(parameter.name, `parameter (line ${parameter.line})`), parameter.value, depth + 3);
    }
    out.push(`${pad}${INDENT}${INDENT}</parameters>`);
  }
  out.push(`${pad}${INDENT}</${name}>`);
  out.push(`${pad}</providers>`);
}

function columnText(column: ColumnSpec, depth: number): string {
  const name = checkName(column.name, `column (line ${column.line})`);
  const attributes: Array<[string, string]> = [];
  if (column.label !== undefined) attributes.push(['label', column.label]);
  for (const [attribute, value] of Object.entries(column.attributes)) {
    if (attribute === 'label')
      throw new TemplateConversionError(`column ${column.name} (line ${column.line}): two labels`);
    attributes.push([checkName(attribute, `attribute of column ${column.name}`), value]);
  }
  const start = `${INDENT.repeat(depth)}<${name}${attributeText(attributes)}`;
  return column.value === undefined || column.value === ''
    ? `${start}/>`
    : `${start}>${escapeText(column.value)}</${name}>`;
}

function writeStep(out: string[], step: StepSpec, depth: number): void {
  const type = checkName(step.type, `step (line ${step.line})`);
  const options = Object.entries(step.options);
  const pad = INDENT.repeat(depth);
  if (options.length === 0) {
    out.push(`${pad}<${type}/>`);
    return;
  }
  out.push(`${pad}<${type}>`);
  for (const [name, value] of options) writeValue(out, checkName(name, `option of ${step.type}`), value, depth + 1);
  out.push(`${pad}</${type}>`);
}

function writeValue(out: string[], name: string, value: RawValue, depth: number): void {
  const pad = INDENT.repeat(depth);
  switch (value.kind) {
    case 'scalar':
      out.push(value.text === '' ? `${pad}<${name}/>` : `${pad}<${name}>${escapeText(value.text)}</${name}>`);
      return;
    case 'list': {
      const bad = value.items.find((item) => item.includes(','));
      if (bad !== undefined) throw new TemplateConversionError(`${name}: the list item "${bad}" holds a comma`);
      out.push(
        value.items.length === 0 ? `${pad}<${name}/>` : `${pad}<${name}>${escapeText(value.items.join(','))}</${name}>`,
      );
      return;
    }
    case 'map': {
      const children = Object.entries(value.children);
      if (children.length === 0) {
        out.push(`${pad}<${name}/>`);
        return;
      }
      out.push(`${pad}<${name}>`);
      for (const [child, childValue] of children)
        writeValue(out, checkName(child, `child of ${name}`), childValue, depth + 1);
      out.push(`${pad}</${name}>`);
      return;
    }
    case 'entries':
      out.push(`${pad}<${name}>`);
      for (const entry of value.entries) {
        const entryName = checkName(entry.name, `entry of ${name}`);
        const attributes = Object.entries(entry.attributes).map(
          ([attribute, text]) => [checkName(attribute, `attribute of ${entry.name}`), text] as [string, string],
        );
        const start = `${pad}${INDENT}<${entryName}${attributeText(attributes)}`;
        out.push(entry.text === '' ? `${start}/>` : `${start}>${escapeText(entry.text)}</${entryName}>`);
      }
      out.push(`${pad}</${name}>`);
      return;
  }
}

function checkName(name: string, what: string): string {
  if (!XML_NAME.test(name) || name === 'xmlns' || /^(xmlns|xsi):/.test(name)) {
    throw new TemplateConversionError(`${what}: "${name}" is not a valid XML element name`);
  }
  return name;
}

function attributeText(attributes: Array<[string, string]>): string {
  return attributes.map(([name, value]) => ` ${name}="${escapeAttribute(value)}"`).join('');
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}
