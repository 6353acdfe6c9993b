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
    for (const c of provider.columns)
      out += `| ${names(c.name, c.aliases)} | ${c.type} | ${cell(c.text ?? '')} | ${cell(c.description)} |\n`;
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

const PHASE_TITLES: Readonly<Record<string, string>> = {
  action: 'Actions',
  consolidator: 'Consolidators (run in this order)',
  postProcess: 'Post-process steps',
  package: 'The default package',
};

/** File formats (the registry's writers) and pipeline steps with their options, by phase. */
export function stepsMarkdown(description: RegistryDescription): string {
  let out = `${HEADER}# Formats and steps\n\nWhat the loaded plugins contribute: docs/formats.md and docs/pipeline.md explain each built-in in depth; a plugin's formats and steps appear here the same way when its docs are generated with \`exportkit docs --plugin P\`.\n`;
  out += `\n## Formats (\`fileExportAction\` \`format\`)\n\nA format's name or alias, in any case.\n\n| format (aliases) | extension | own options | description |\n|---|---|---|---|\n`;
  for (const f of description.formats)
    out += `| ${names(f.format, f.aliases)} | \`.${f.extension}\` | ${f.options.map((o) => `\`${o}\``).join(', ')} | ${cell(f.description)} |\n`;
  for (const phase of Object.keys(PHASE_TITLES)) {
    const steps = description.steps.filter((s) => s.phase === phase).sort((a, b) => a.order - b.order);
    if (!steps.length) continue;
    out += `\n## ${PHASE_TITLES[phase]}\n`;
    for (const step of steps) {
      out += `\n### ${step.name}\n\n${step.description}\n`;
      if (!step.optionDetails.length) continue;
      out += `\n| option | value | default | description |\n|---|---|---|---|\n`;
      for (const o of step.optionDetails) {
        out += `| \`${o.name}\`${o.required ? ' (required)' : ''} | ${cell(o.type)} | ${o.default === undefined ? '' : cell(`\`${o.default}\``)} | ${cell(o.description)} |\n`;
      }
    }
  }
  return out;
}
