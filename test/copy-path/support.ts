import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import {
  column,
  parameter,
  provider,
  pluginModule,
  sql,
  SqlColumn,
  Contribution,
  DURATION_FORMATS,
  parseTemplate,
  type ColumnMetadata,
  type ColumnUse,
  type FormatContext,
  type Parameter,
  type ParameterMetadata,
  type PluginModule,
  type QueryScope,
  type SqlFragment,
  type ProgressEvent,
} from '@exportkit/core';
import { createEngine } from 'exportkit';

/*
 * A provider for the COPY path's tests: one table holding every column type, every formatting
 * role (date, datetime, time zone, duration, stripHTML, maxLength), a column bound to its
 * element's text, a column whose JS format has no SQL twin, and a filter bound to a list.
 */

@provider({
  name: 'copyDemo',
  element: 'copyDemoProvider',
  description: 'COPY path rows',
  baseTable: 'copy_items',
  baseAlias: 'item',
  orderBy: 'item.id',
  formatting: {
    dateFormat: 'dateFormat',
    dateTimeFormat: 'dateTimeFormat',
    timeZone: 'timeZone',
    durationFormat: 'durationFormat',
    stripHtml: 'stripHTML',
    maxLength: 'maxLength',
  },
})
export class CopyDemoProvider extends Contribution<never> {}

@column({ provider: 'copyDemo', name: 'cId', type: 'int', description: 'id', sql: 'item.id' })
export class CIdColumn extends SqlColumn {}
@column({ provider: 'copyDemo', name: 'cText', type: 'string', description: 'text', sql: 'item.txt' })
export class CTextColumn extends SqlColumn {}
@column({ provider: 'copyDemo', name: 'cLong', type: 'longtext', description: 'long text', sql: 'item.long_txt' })
export class CLongColumn extends SqlColumn {}
@column({ provider: 'copyDemo', name: 'cKind', type: 'enum', description: 'kind', sql: 'item.kind' })
export class CKindColumn extends SqlColumn {}
@column({ provider: 'copyDemo', name: 'cScore', type: 'float', description: 'score', sql: 'item.score' })
export class CScoreColumn extends SqlColumn {}
@column({ provider: 'copyDemo', name: 'cRatio', type: 'float', description: 'a double', sql: 'item.score::float8 / 3' })
export class CRatioColumn extends SqlColumn {}
@column({ provider: 'copyDemo', name: 'cDay', type: 'date', description: 'day', sql: 'item.day' })
export class CDayColumn extends SqlColumn {}
@column({ provider: 'copyDemo', name: 'cAt', type: 'datetime', description: 'when', sql: 'item.at' })
export class CAtColumn extends SqlColumn {}
@column({
  provider: 'copyDemo',
  name: 'cLocal',
  type: 'datetime',
  description: 'timestamp without time zone',
  sql: 'item.local_at',
})
export class CLocalColumn extends SqlColumn {}
@column({ provider: 'copyDemo', name: 'cSpent', type: 'duration', description: 'seconds', sql: 'item.spent' })
export class CSpentColumn extends SqlColumn {}
@column({
  provider: 'copyDemo',
  name: 'cBoom',
  type: 'int',
  description: 'fails past id 20000',
  sql: 'CASE WHEN item.id > 20000 THEN 1 / (item.id - item.id) ELSE item.id END',
})
export class CBoomColumn extends SqlColumn {}

@column({
  provider: 'copyDemo',
  name: 'cConst',
  type: 'string',
  description: "the element's text, bound",
  value: 'optional',
})
export class CConstColumn extends Contribution<ColumnMetadata> {
  select(use: ColumnUse): SqlFragment {
    return sql`${use.spec.value ?? ''}::text`;
  }
}

/** A JS-only formatter (no formatSql): forces the row path. */
@column({ provider: 'copyDemo', name: 'cUpper', type: 'string', description: 'upper-cased in JS', sql: 'item.txt' })
export class CUpperColumn extends SqlColumn {
  format(raw: string | null): string {
    return raw === null ? '' : raw.toUpperCase();
  }
}

/** No SQL at all (like templatedValue). */
@column({ provider: 'copyDemo', name: 'cComputed', type: 'string', description: 'from the first cell' })
export class CComputedColumn extends Contribution<ColumnMetadata> {
  select(): undefined {
    return undefined;
  }
  format(_raw: string | null, _context: FormatContext, row: { formatted(i: number): string }): string {
    return `<${row.formatted(0)}>`;
  }
}

@parameter({
  provider: 'copyDemo',
  name: 'dateFormat',
  kind: 'format',
  valueType: { kind: 'string' },
  description: 'date format',
  default: 'YYYY-MM-DD',
})
export class PDateFormat extends Contribution<ParameterMetadata> implements Parameter {}
@parameter({
  provider: 'copyDemo',
  name: 'dateTimeFormat',
  kind: 'format',
  valueType: { kind: 'string' },
  description: 'datetime format',
  default: 'YYYY-MM-DD hh:ii:ss',
})
export class PDateTimeFormat extends Contribution<ParameterMetadata> implements Parameter {}
@parameter({
  provider: 'copyDemo',
  name: 'timeZone',
  kind: 'format',
  valueType: { kind: 'timeZone' },
  description: 'zone',
  default: 'UTC',
})
export class PTimeZone extends Contribution<ParameterMetadata> implements Parameter {}
@parameter({
  provider: 'copyDemo',
  name: 'durationFormat',
  kind: 'format',
  valueType: { kind: 'enum', values: DURATION_FORMATS },
  description: 'durations',
  default: 'rawSeconds',
})
export class PDurationFormat extends Contribution<ParameterMetadata> implements Parameter {}
@parameter({
  provider: 'copyDemo',
  name: 'stripHTML',
  kind: 'format',
  valueType: { kind: 'string' },
  description: 'strip tags',
})
export class PStripHtml extends Contribution<ParameterMetadata> implements Parameter {}
@parameter({
  provider: 'copyDemo',
  name: 'maxLength',
  kind: 'format',
  valueType: { kind: 'int', min: 1 },
  description: 'crop',
})
export class PMaxLength extends Contribution<ParameterMetadata> implements Parameter {}
@parameter({
  provider: 'copyDemo',
  name: 'texts',
  kind: 'filter',
  valueType: { kind: 'list', item: { kind: 'string' } },
  description: 'keep these texts',
})
export class PTexts extends Contribution<ParameterMetadata> implements Parameter {
  where(value: unknown, _scope: QueryScope): SqlFragment | undefined {
    if (!Array.isArray(value) || value.length === 0) return undefined;
    return sql`item.txt = ANY(${value}::text[])`;
  }
}
@parameter({
  provider: 'copyDemo',
  name: 'maxId',
  kind: 'filter',
  valueType: { kind: 'int', min: 0 },
  description: 'ids up to',
})
export class PMaxId extends Contribution<ParameterMetadata> implements Parameter {
  where(value: unknown): SqlFragment | undefined {
    return typeof value === 'number' ? sql`item.id <= ${value}` : undefined;
  }
}

export const copyDemoPlugin: PluginModule = pluginModule([
  CopyDemoProvider,
  CIdColumn,
  CTextColumn,
  CLongColumn,
  CKindColumn,
  CScoreColumn,
  CRatioColumn,
  CDayColumn,
  CAtColumn,
  CLocalColumn,
  CSpentColumn,
  CBoomColumn,
  CConstColumn,
  CUpperColumn,
  CComputedColumn,
  PDateFormat,
  PDateTimeFormat,
  PTimeZone,
  PDurationFormat,
  PStripHtml,
  PMaxLength,
  PTexts,
  PMaxId,
]);

/** Texts that CSV must quote, or that look like something else. */
export const HOSTILE_TEXTS: Array<string | null> = [
  'plain',
  'semi;colon',
  'comma,here',
  'pipe|here',
  'tab\there',
  'quote "q" end',
  '"',
  '""',
  'lf\nline',
  'cr\rline',
  'crlf\r\nline',
  '\n',
  '\r',
  '',
  null,
  ' lead and trail ',
  'émoji 😀 ünïcode — “quotes”',
  '\\.',
  '\\N',
  'NULL',
  '=1+2',
  "it's $1 ? \\ back",
  '0.50',
  '<b>bold</b> &amp; co',
  'a'.repeat(300),
  '😀'.repeat(40),
  'x\u00a0y',
  '-',
  ' ',
  '\t',
];

/** copy_items: the hostile rows (ids 1…n), then `bulk` generated rows. */
export async function createCopyTables(knex: Knex, bulk = 0): Promise<void> {
  await knex.raw(`CREATE TABLE copy_items (id int PRIMARY KEY, txt text, long_txt text, kind text, score numeric, day date,
    at timestamptz, local_at timestamp, spent numeric)`);
  const scores = [
    '80',
    '12.5',
    '33.333',
    '-0.001',
    '-12.345',
    '0',
    null,
    '1234567.005',
    '0.1',
    '-0.005',
    '99.999',
    '100.00',
    '0.004',
  ];
  const days = ['2021-02-24', '2021-12-31', null, '0999-01-05', '2024-02-29', '1970-01-01'];
  const ats = [
    '2021-03-28T00:59:59Z',
    '2021-03-28T01:00:00Z',
    '2021-10-31T00:30:00Z',
    '2021-10-31T01:30:00Z',
    null,
    '2000-01-01T00:00:00Z',
    '2021-06-15T23:59:59.999Z',
  ];
  const spents = ['0', '59.6', '60', '3600', '5115', '360000', '-5', null, '86399.5', '0.4', '3599.5', '45296'];
  const kinds = ['A', 'B', null, '', 'Ç'];
  const rows = HOSTILE_TEXTS.map((txt, i) => ({
    id: i + 1,
    txt,
    long_txt: txt === null ? null : `${txt}\r\n${txt}`,
    kind: kinds[i % kinds.length],
    score: scores[i % scores.length],
    day: days[i % days.length],
    at: ats[i % ats.length],
    local_at: ats[(i + 3) % ats.length]?.replace('Z', '') ?? null,
    spent: spents[i % spents.length],
  }));
  await knex('copy_items').insert(rows);
  if (bulk > 0) {
    await knex.raw(
      `INSERT INTO copy_items
         SELECT 1000 + g, 'row ' || g || CASE WHEN g % 7 = 0 THEN ';"x"' WHEN g % 11 = 0 THEN E'\\n' ELSE '' END,
                repeat('long ', g % 5), chr(65 + g % 3), (g % 1000) / 8.0 - 20, date '2020-01-01' + g % 800,
                timestamptz '2021-01-01 00:00:00+00' + (g * 97 || ' minutes')::interval,
                timestamp '2021-01-01 00:00:00' + (g * 13 || ' minutes')::interval, (g * 37) % 400000
           FROM generate_series(1, ?) g`,
      [bulk],
    );
  }
}

export interface RunOutcome {
  bytes: Buffer;
  rows: number;
  statements: string[];
  events: ProgressEvent[];
  manifestRows: number;
}

/** Runs one export template (YAML) and returns its one report file's bytes (from the default zip). */
export async function runTemplate(
  knex: Knex,
  yaml: string,
  options: { copyPath?: 'auto' | 'off'; now?: string; plugins?: PluginModule[]; file?: string } = {},
): Promise<RunOutcome> {
  const dataDir = mkdtempSync(join(tmpdir(), 'exportkit-copy-'));
  const statements: string[] = [];
  const events: ProgressEvent[] = [];
  const listen = (q: { sql: string }) => statements.push(q.sql.trim().split(/\s+/)[0]!.toUpperCase());
  knex.on('query', listen);
  const engine = createEngine({
    knex,
    dataDir,
    plugins: options.plugins ?? [copyDemoPlugin],
    now: new Date(options.now ?? '2021-04-02T12:00:00Z'),
    copyPath: options.copyPath,
  });
  try {
    const result = await engine.run(parseTemplate(yaml, 'copy.yaml', 'yaml'), {
      onProgress: (event) => events.push(event),
    });
    const zip = result.exports[0]!.files.find((f) => f.endsWith('.zip'))!;
    const entries = execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' })
      .split('\n')
      .filter((n) => n && n !== 'manifest.json');
    const file = options.file ?? entries[0]!;
    const bytes = execFileSync('unzip', ['-p', zip, file], { maxBuffer: 1 << 30 });
    const manifest = JSON.parse(execFileSync('unzip', ['-p', zip, 'manifest.json'], { encoding: 'utf8' })) as {
      rows: number;
    };
    return { bytes, rows: result.exports[0]!.rows, statements, events, manifestRows: manifest.rows };
  } finally {
    knex.off('query', listen);
    await engine.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Files (not folders) under a folder, relative. */
export function filesUnder(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path, `${prefix}${name}/`));
    else out.push(`${prefix}${name}`);
  }
  return out;
}
