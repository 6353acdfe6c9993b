import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BOUNDS } from '@exportkit/core';
import { expectBoundedTime, expectCleanRefusal, runCli } from './refusal.js';

/*
 * Every value of a template has a bound and `exportkit validate` checks it without a database:
 * each hostile value is refused with exit 2, its file and line and what is allowed; a template
 * at every bound's edge is valid (the bounds are inclusive).
 */

interface ColumnCase {
  name: string;
  label?: string;
  value?: string;
  attributes?: Record<string, string>;
}

interface TemplateCase {
  name?: string;
  guid?: string;
  columns: ColumnCase[];
  /** Scalar texts, or for `templates` a map id → text. */
  parameters?: Record<string, string | Record<string, string>>;
  fileName?: string;
}

/** A template in one spelling, and the line of each column, parameter and of the export and its action. */
interface Written {
  text: string;
  exportLine: number;
  columnLines: number[];
  parameterLines: Record<string, number>;
  actionLine?: number;
}

const xmlEscape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const xmlAttributes = (attributes: Record<string, string | undefined>) =>
  Object.entries(attributes)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${xmlEscape(v!)}"`)
    .join('');

function xml(t: TemplateCase): Written {
  const lines = [
    '<export-config>',
    `  <export${xmlAttributes({ guid: t.guid, name: t.name })}>`,
    '    <providers>',
    '      <consolidatedTrackingProvider>',
    '        <columns>',
  ];
  const columnLines: number[] = [];
  for (const c of t.columns) {
    columnLines.push(lines.length + 1);
    const attributes = xmlAttributes({ label: c.label, ...c.attributes });
    lines.push(
      c.value === undefined
        ? `          <${c.name}${attributes}/>`
        : `          <${c.name}${attributes}>${xmlEscape(c.value)}</${c.name}>`,
    );
  }
  lines.push('        </columns>', '        <parameters>');
  const parameterLines: Record<string, number> = {};
  for (const [name, value] of Object.entries(t.parameters ?? {})) {
    parameterLines[name] = lines.length + 1;
    lines.push(
      typeof value === 'string'
        ? `          <${name}>${xmlEscape(value)}</${name}>`
        : `          <${name}>${Object.entries(value)
            .map(([id, text]) => `<template id="${xmlEscape(id)}">${xmlEscape(text)}</template>`)
            .join('')}</${name}>`,
    );
  }
  lines.push('        </parameters>', '      </consolidatedTrackingProvider>', '    </providers>');
  let actionLine: number | undefined;
  if (t.fileName !== undefined) {
    actionLine = lines.length + 2;
    lines.push(
      '    <actions>',
      `      <fileExportAction format="CSV" fileName="${xmlEscape(t.fileName)}"/>`,
      '    </actions>',
    );
  }
  lines.push('  </export>', '</export-config>', '');
  return { text: lines.join('\n'), exportLine: 2, columnLines, parameterLines, actionLine };
}

function yaml(t: TemplateCase): Written {
  const q = (text: string) => JSON.stringify(text);
  const lines = ['exports:', '  - provider: consolidatedTracking'];
  if (t.guid !== undefined) lines.push(`    guid: ${q(t.guid)}`);
  if (t.name !== undefined) lines.push(`    name: ${q(t.name)}`);
  lines.push('    columns:');
  const columnLines: number[] = [];
  for (const c of t.columns) {
    columnLines.push(lines.length + 1);
    const fields = [`name: ${c.name}`];
    if (c.label !== undefined) fields.push(`label: ${q(c.label)}`);
    if (c.value !== undefined) fields.push(`value: ${q(c.value)}`);
    for (const [k, v] of Object.entries(c.attributes ?? {})) fields.push(`${k}: ${q(v)}`);
    lines.push(`      - {${fields.join(', ')}}`);
  }
  const parameterLines: Record<string, number> = {};
  if (t.parameters) lines.push('    parameters:');
  for (const [name, value] of Object.entries(t.parameters ?? {})) {
    parameterLines[name] = lines.length + 1;
    lines.push(
      typeof value === 'string'
        ? `      ${name}: ${q(value)}`
        : `      ${name}: {${Object.entries(value)
            .map(([id, text]) => `${q(id)}: ${q(text)}`)
            .join(', ')}}`,
    );
  }
  let actionLine: number | undefined;
  if (t.fileName !== undefined) {
    actionLine = lines.length + 2;
    lines.push('    actions:', `      - fileExportAction: {format: CSV, fileName: ${q(t.fileName)}}`);
  }
  lines.push('');
  return { text: lines.join('\n'), exportLine: 2, columnLines, parameterLines, actionLine };
}

const spellings = { xml, yaml } as const;

let folder: string;
before(() => {
  folder = mkdtempSync(join(tmpdir(), 'exportkit-values-'));
});
after(() => rmSync(folder, { recursive: true, force: true }));

/** Writes the template in one spelling and runs `exportkit validate` on it, without a database. */
function validate(spelling: keyof typeof spellings, t: TemplateCase, label: string) {
  const written = spellings[spelling](t);
  const file = join(folder, `${label.replace(/[^a-z0-9]+/gi, '-')}.${spelling}`);
  writeFileSync(file, written.text);
  return { file, written, outcome: runCli(['validate', file]) };
}

interface HostileCase {
  title: string;
  template: TemplateCase;
  /** Which line the refusal names. */
  line: (w: Written) => number;
  message: RegExp;
}

const oneColumn: ColumnCase[] = [{ name: 'candidateId' }];
const longText = (n: number) => 'x'.repeat(n);
const zonesRefused = ['IST', 'BST', 'AST', 'NST', 'ACT', 'US/Pacific-New', 'SST', 'CAT', 'MIT', 'AET'];

const cases: HostileCase[] = [
  // 8: static column checks
  {
    title: 'a templatedValue naming a missing column index',
    template: {
      columns: [{ name: 'templatedValue', attributes: { templateId: '1' } }],
      parameters: { templates: { '1': '{42}' } },
    },
    line: (w) => w.columnLines[0]!,
    message: /template 1 refers to \{42\}, but the export has 1 column\(s\); allowed: \{0\} to \{0\}/,
  },
  {
    title: 'a custom field value that is not a GUID',
    template: { columns: [{ name: 'candidateCustomFieldGuid', value: 'Department' }] },
    line: (w) => w.columnLines[0]!,
    message: /candidateCustomFieldGuid: "Department" is not a GUID; allowed: 8-4-4-4-12 hexadecimal digits/,
  },
  {
    title: 'a templateId that no template defines',
    template: {
      columns: [{ name: 'candidateId' }, { name: 'templatedValue', attributes: { templateId: '7' } }],
      parameters: { templates: { '1': '{0}' } },
    },
    line: (w) => w.columnLines[1]!,
    message: /templatedValue names template 7, which the templates parameter does not define; known ids: 1/,
  },
  // 9: numbers
  {
    title: 'timeFrames 2147483647',
    template: { columns: oneColumn, parameters: { timeFrames: '2147483647', timeFramesScale: 'less_than_n_days' } },
    line: (w) => w.parameterLines['timeFrames']!,
    message: /"2147483647" is out of range; allowed: a whole number from 0 to 1,000,000/,
  },
  {
    title: 'timeFrames beyond what a year scale keeps a valid timestamp',
    template: { columns: oneColumn, parameters: { timeFrames: '2501', timeFramesScale: 'less_than_n_years' } },
    line: (w) => w.parameterLines['timeFrames']!,
    message: /2501 is out of range for less_than_n_years; allowed: a whole number from 0 to 2,500/,
  },
  {
    title: 'entityIds 99999999999999999999',
    template: { columns: oneColumn, parameters: { entityIds: '3, 99999999999999999999' } },
    line: (w) => w.parameterLines['entityIds']!,
    message: /"99999999999999999999" is out of range; allowed: a whole number from 1 to 9,007,199,254,740,991/,
  },
  {
    title: 'maxLength 99999999999',
    template: { columns: oneColumn, parameters: { maxLength: '99999999999' } },
    line: (w) => w.parameterLines['maxLength']!,
    message: /"99999999999" is out of range; allowed: a whole number from 1 to 2,147,483,647/,
  },
  {
    title: '1,700 columns',
    template: { columns: Array.from({ length: 1700 }, () => ({ name: 'candidateId' })) },
    line: (w) => w.columnLines[BOUNDS.columns]!,
    message: /1700 columns; allowed: at most 1,000 per export/,
  },
  // 9: texts
  {
    title: 'a label one character over its bound',
    template: { columns: [{ name: 'candidateId', label: longText(BOUNDS.label + 1) }] },
    line: (w) => w.columnLines[0]!,
    message: /label is longer than 1,000 characters, the most allowed/,
  },
  {
    title: 'a 100 kB label (a whole template over 1 MiB is refused by the size bound instead)',
    template: { columns: [{ name: 'candidateId' }, { name: 'candidateName', label: longText(100 << 10) }] },
    line: (w) => w.columnLines[1]!,
    message: /label is longer than 1,000 characters, the most allowed/,
  },
  {
    title: 'a constant one character over its bound',
    template: { columns: [{ name: 'constantValue', value: longText(BOUNDS.columnValue + 1) }] },
    line: (w) => w.columnLines[0]!,
    message: /constantValue: is longer than 10,000 characters, the most allowed/,
  },
  {
    title: 'a 100 kB constant',
    template: { columns: [{ name: 'constantValue', value: longText(100 << 10) }] },
    line: (w) => w.columnLines[0]!,
    message: /constantValue: is longer than 10,000 characters, the most allowed/,
  },
  {
    title: 'a parameter text over its bound',
    template: { columns: oneColumn, parameters: { dateFormat: longText(BOUNDS.text + 1) } },
    line: (w) => w.parameterLines['dateFormat']!,
    message: /dateFormat.*is longer than 1,000 characters, the most allowed/,
  },
  {
    title: 'a template text over its bound',
    template: {
      columns: [{ name: 'templatedValue', attributes: { templateId: '1' } }],
      parameters: { templates: { '1': longText(BOUNDS.templateText + 1) } },
    },
    line: (w) => w.parameterLines['templates']!,
    message: /template "1" is longer than 10,000 characters, the most allowed/,
  },
  {
    title: 'an export name with ".."',
    template: { name: 'weekly..v2', columns: oneColumn },
    line: (w) => w.exportLine,
    message:
      /export name "weekly\.\.v2" is not allowed; allowed: letters, digits, space, _, - and \., starting with a letter or digit, without "\.\.", at most 100 characters/,
  },
  {
    title: 'an export guid with a path separator',
    template: { guid: 'a/b', columns: oneColumn },
    line: (w) => w.exportLine,
    message: /export guid "a\/b" is not allowed; allowed: letters, digits/,
  },
  {
    title: 'an export name over its bound',
    template: { name: longText(BOUNDS.exportName + 1), columns: oneColumn },
    line: (w) => w.exportLine,
    message: /export name "x{40}…" is not allowed; allowed: .*at most 100 characters/,
  },
  {
    title: 'a file name pattern over its bound',
    template: { columns: oneColumn, fileName: `${longText(BOUNDS.fileNamePattern)}.csv` },
    line: (w) => w.actionLine!,
    message: /is longer than 200 characters, the most allowed/,
  },
  // 10: time zones
  ...zonesRefused.map((zone) => ({
    title: `time zone ${zone}`,
    template: { columns: oneColumn, parameters: { timeZone: zone } },
    line: (w: Written) => w.parameterLines['timeZone']!,
    message: new RegExp(`"${zone}" is not an accepted time zone; allowed: an IANA region name \\(Area/Location`),
  })),
  {
    title: 'a misspelt region name, with the closest accepted name',
    template: { columns: oneColumn, parameters: { timeZone: 'Europe/Pari' } },
    line: (w) => w.parameterLines['timeZone']!,
    message: /"Europe\/Pari" is not an accepted time zone.*\(did you mean Europe\/Paris\?\)/,
  },
];

describe('hostile values: every value bounded, every static check without a database', () => {
  for (const c of cases) {
    for (const spelling of ['xml', 'yaml'] as const) {
      it(`${c.title} (${spelling})`, () => {
        const { file, written, outcome } = validate(spelling, c.template, c.title);
        expectCleanRefusal(outcome, { file, line: c.line(written), message: c.message });
      });
    }
  }

  for (const spelling of ['xml', 'yaml'] as const) {
    it(`a template at every bound's edge is valid (${spelling})`, () => {
      const columns: ColumnCase[] = [
        { name: 'candidateName', label: longText(BOUNDS.label) },
        { name: 'constantValue', value: longText(BOUNDS.columnValue) },
        { name: 'candidateCustomFieldGuid', value: '8345C0A3-B8AB-7F65-0638-39B0E1244AA8' },
        { name: 'templatedValue', attributes: { templateId: '1' } },
      ];
      while (columns.length < BOUNDS.columns) columns.push({ name: 'candidateId' });
      const template: TemplateCase = {
        name: `é${'x'.repeat(BOUNDS.exportName - 2)}.`,
        guid: 'weekly-tracking_v2.1',
        columns,
        parameters: {
          timeFrames: String(2_500),
          timeFramesScale: 'less_than_n_full_years',
          entityIds: `1, ${Number.MAX_SAFE_INTEGER}`,
          maxLength: '2147483647',
          timeZone: 'America/Argentina/Buenos_Aires',
          dateFormat: longText(BOUNDS.text),
          templates: { '1': `{0} {${BOUNDS.columns - 1}} ${longText(BOUNDS.templateText - 12)}` },
        },
        fileName: longText(BOUNDS.fileNamePattern),
      };
      const { outcome } = validate(spelling, template, 'edges');
      expect(outcome.code, outcome.stderr).to.equal(0);
      expect(outcome.stdout).to.match(/: valid\n$/);
    });
  }
});

describe('hostile --now: strict ISO-8601, real instants', () => {
  for (const now of [
    '2026-11-30junk',
    '2026-02-30T00:00:00Z',
    '2026-02-24T24:00:00Z',
    '2026-02-24T10:00',
    'yesterday',
  ]) {
    it(`--now ${now} is refused with exit 2, saying what is allowed`, () => {
      const outcome = runCli(['run', 'never-read.yaml', '--now', now]);
      expect(outcome.code, outcome.stderr).to.equal(2);
      expect(outcome.stderr).to.contain(`'${now}' is invalid`);
      expect(outcome.stderr).to.match(/allowed: ISO-8601: YYYY-MM-DD \(midnight UTC\) or YYYY-MM-DDTHH:MM:SS/);
      expect(outcome.stderr, 'no stack trace').not.to.match(/\n\s+at .+[(:]\d+/);
      expectBoundedTime(outcome);
    });
  }
});
