import type { RegistryDescription } from './describe.js';
import { BOUNDS } from '../contributions/bounds.js';

/*
 * The column and parameter catalogues of docs/, rendered from the registry so that they can
 * never disagree with what the engine accepts (a test fails when the committed files are stale).
 */

const HEADER = '<!-- Generated from the registry by `exportkit docs`; do not edit by hand. -->\n\n';

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function names(name: string, aliases: readonly string[]): string {
  return aliases.length ? `\`${name}\` (${aliases.map((a) => `\`${a}\``).join(', ')})` : `\`${name}\``;
}

export function columnsMarkdown(description: RegistryDescription): string {
  let out = `${HEADER}# Columns\n\nA column's header is its \`label\` attribute when given, else the element name as written. Every name and alias below is accepted; names are case-sensitive. A label holds at most ${BOUNDS.label.toLocaleString('en-US')} characters, an attribute (e.g. \`templateId\`) at most ${BOUNDS.text.toLocaleString('en-US')}, and an export at most ${BOUNDS.columns.toLocaleString('en-US')} columns; the text column gives what a column's element text may hold (docs/templates.md, "Bounds").\n`;
  for (const provider of description.providers) {
    out += `\n## ${provider.name} (\`<${provider.element}>\`)\n\n${provider.description}\n\n`;
    out += `${provider.columns.length} columns.\n\n| column (aliases) | type | text | description |\n|---|---|---|---|\n`;
    for (const c of provider.columns) out += `| ${names(c.name, c.aliases)} | ${c.type} | ${cell(c.text ?? '')} | ${cell(c.description)} |\n`;
  }
  return out;
}

export function parametersMarkdown(description: RegistryDescription): string {
  let out = `${HEADER}# Parameters\n\nFilters combine with AND; every value is a bound SQL parameter. List values are comma-separated text, YAML lists or child elements. The value column gives each parameter's bound, inclusive (docs/templates.md, "Bounds").\n`;
  for (const provider of description.providers) {
    out += `\n## ${provider.name} (\`<${provider.element}>\`)\n\n`;
    out += `${provider.parameters.length} parameters.\n\n| parameter (aliases) | kind | value | default | description |\n|---|---|---|---|---|\n`;
    for (const p of provider.parameters) {
      out += `| ${names(p.name, p.aliases)} | ${p.kind} | ${cell(p.type)} | ${p.default === undefined ? '' : cell(`\`${p.default}\``)} | ${cell(p.description)} |\n`;
    }
  }
  return out;
}
