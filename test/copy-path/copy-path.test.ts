import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { CrlfRecords, datePatternToSql, parseTemplate, replacePlaceholders } from '@exportkit/core';
import { createEngine } from 'exportkit';
import {
  postgresAvailable,
  scratchDatabase,
  sharedDatabase,
  type ScratchDatabase,
  type TestDatabase,
} from '../support/databases.js';
import {
  copyDemoPlugin,
  createCopyTables,
  filesUnder,
  HOSTILE_TEXTS,
  runTemplate,
  type RunOutcome,
} from './support.js';

/*
 * The COPY path (PostgreSQL writes CSV/TSV itself) against the row path (`copyPath: 'off'`): the
 * same bytes, for every column type and formatting option, hostile texts and bindings included;
 * taken only when every condition holds; an abort or a failure mid-stream keeps nothing.
 */

const SKIP = 'skipped: DATABASE_URL is not set';
const onPostgres = postgresAvailable ? describe : describe.skip;
const title = (text: string) => (postgresAvailable ? text : `${text} — ${SKIP}`);

interface Export {
  name?: string;
  guid?: string;
  provider?: string;
  columns: unknown[];
  parameters?: Record<string, unknown>;
  actions?: Array<Record<string, Record<string, unknown>>>;
}

const yamlOf = (exp: Export) => JSON.stringify({ exports: [{ name: 'copy', provider: 'copyDemo', ...exp }] });

const ALL_DEMO_COLUMNS: unknown[] = [
  'cId',
  'cText',
  { cLong: { label: 'A "long" label; with a delimiter, and more than sixty-three bytes of text: ééééééééééé' } },
  'cKind',
  'cScore',
  'cRatio',
  'cDay',
  'cAt',
  'cLocal',
  'cSpent',
  { cConst: { value: "it's $1 ? \\ \"x\"; y\n$2 '' --" } },
];

const copyTaken = (outcome: RunOutcome) => outcome.statements.includes('COPY') && !outcome.statements.includes('FETCH');
const rowsTaken = (outcome: RunOutcome) => !outcome.statements.includes('COPY') && outcome.statements.includes('FETCH');

/** Runs both paths; expects the COPY path taken and the very same bytes. */
async function expectSameBytes(
  knex: TestDatabase['knex'],
  exp: Export,
  plugins = [copyDemoPlugin],
): Promise<RunOutcome> {
  const copy = await runTemplate(knex, yamlOf(exp), { copyPath: 'auto', plugins });
  const rows = await runTemplate(knex, yamlOf(exp), { copyPath: 'off', plugins });
  expect(rowsTaken(rows), `row path statements: ${rows.statements.join(' ')}`).to.equal(true);
  expect(copyTaken(copy), `COPY path statements: ${copy.statements.join(' ')}`).to.equal(true);
  if (!copy.bytes.equals(rows.bytes)) {
    const a = copy.bytes.toString('utf8');
    const b = rows.bytes.toString('utf8');
    let i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    expect(JSON.stringify(a.slice(Math.max(0, i - 80), i + 80)), `first difference at character ${i}`).to.equal(
      JSON.stringify(b.slice(Math.max(0, i - 80), i + 80)),
    );
  }
  expect(copy.rows).to.equal(rows.rows);
  expect(copy.manifestRows).to.equal(rows.manifestRows);
  return copy;
}

describe('COPY path: pieces', () => {
  it('replacePlaceholders skips literals, quoted identifiers, comments and dollar quotes', () => {
    const text = `SELECT $1, '$2 it''s', E'\\'$3', "a$4""b", x$5, $$ $6 $$, $q$ $7 $q$ -- $8\n, /* $9 /* $10 */ */ $11::int`;
    expect(replacePlaceholders(text, (n) => `<${n}>`)).to.equal(
      `SELECT <1>, '$2 it''s', E'\\'$3', "a$4""b", x$5, $$ $6 $$, $q$ $7 $q$ -- $8\n, /* $9 /* $10 */ */ <11>::int`,
    );
  });

  it('CrlfRecords turns LF outside quotes into CRLF and counts records across chunks', async () => {
    const t = new CrlfRecords(undefined, 1);
    const out = new PassThrough();
    t.pipe(out);
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    for (const piece of ['a;"b\n', 'c""', '\nd"\ne;', '"\r"\n', 'x\n']) t.write(Buffer.from(piece));
    t.end();
    await new Promise((resolve) => out.on('end', resolve));
    expect(Buffer.concat(chunks).toString()).to.equal('a;"b\nc""\nd"\r\ne;"\r"\r\nx\r\n');
    expect(t.records).to.equal(3);
  });

  it('CrlfRecords gives the byte-by-byte result for quotes and line ends in any order, cut at any chunk size', async () => {
    let seed = 11;
    const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    const pieces = ['a', '"', '""', '\n', ';', '\r'];
    for (let round = 0; round < 20; round++) {
      const input = Array.from({ length: 60 }, () => pieces[next(pieces.length)]!).join('');
      // The reference: one byte at a time, a quote toggles, an LF outside quotes ends a record.
      let expected = '';
      let records = 0;
      let quoted = false;
      for (const c of input) {
        if (c === '"') quoted = !quoted;
        if (c === '\n' && !quoted) {
          expected += '\r\n';
          records++;
        } else expected += c;
      }
      for (const size of [1, 2, 3, 7, input.length]) {
        const t = new CrlfRecords(undefined, 1);
        const chunks: Buffer[] = [];
        t.on('data', (c: Buffer) => chunks.push(c));
        for (let at = 0; at < input.length; at += size) t.write(Buffer.from(input.slice(at, at + size)));
        t.end();
        await new Promise((resolve) => t.on('end', resolve));
        expect(Buffer.concat(chunks).toString(), `${JSON.stringify(input)} in chunks of ${size}`).to.equal(expected);
        expect(t.records).to.equal(records);
        expect(t.inQuotes).to.equal(quoted);
      }
    }
  });

  it('CrlfRecords fails the stream when a progress listener throws', async () => {
    const t = new CrlfRecords(() => {
      throw new Error('listener failed');
    }, 1);
    const failed = new Promise((resolve) => t.on('error', resolve));
    t.resume();
    t.write(Buffer.from('a\nb\n'));
    expect(String(await failed)).to.match(/listener failed/);
  });

  it('CrlfRecords with a single column writes a quoted \\. unquoted, across chunk boundaries', async () => {
    const input = '"\\."\n"\\.x"\n"\\."\n""\n"\\."\nab\n"\\."\n';
    for (let size = 1; size <= input.length; size++) {
      const t = new CrlfRecords(undefined, 1, true);
      const chunks: Buffer[] = [];
      t.on('data', (c: Buffer) => chunks.push(c));
      for (let i = 0; i < input.length; i += size) t.write(Buffer.from(input.slice(i, i + size)));
      t.end();
      await new Promise((resolve) => t.on('end', resolve));
      expect(Buffer.concat(chunks).toString(), `chunks of ${size}`).to.equal(
        '\\.\r\n"\\.x"\r\n\\.\r\n""\r\n\\.\r\nab\r\n\\.\r\n',
      );
      expect(t.records).to.equal(7);
    }
  });

  it('datePatternToSql separates tokens side by side (ss ss is not SSSS, DD DD is not DDD D)', () => {
    expect(datePatternToSql('ssss', true)).to.equal('SS""SS');
    expect(datePatternToSql('DDDD', false)).to.equal('DD""DD');
    expect(datePatternToSql('YYYYMMDD', false)).to.equal('YYYY""MM""DD');
  });
});

/** Each database suite runs on PGlite and, with DATABASE_URL, on PostgreSQL: both take the COPY path. */
const KINDS = ['pglite', 'postgres'] as const;
const suiteOn = (kind: (typeof KINDS)[number]) => (kind === 'postgres' ? onPostgres : describe);
const titleOn = (kind: (typeof KINDS)[number], text: string) =>
  kind === 'postgres' ? title(`${text} [postgres]`) : `${text} [pglite]`;

for (const kind of KINDS)
  suiteOn(kind)(titleOn(kind, 'COPY path on the demo provider'), function () {
    let db: ScratchDatabase;
    before(async function () {
      this.timeout(300_000);
      db = await scratchDatabase(kind);
      await createCopyTables(db.knex, 30_000);
    });
    after(async () => db?.dispose());

    it('every column, default options: same bytes, COPY taken, progress in rows events', async () => {
      const outcome = await expectSameBytes(db.knex, { columns: ALL_DEMO_COLUMNS });
      expect(outcome.rows).to.equal(HOSTILE_TEXTS.length + 30_000);
      const counts = outcome.events.filter((e) => e.type === 'rows').map((e) => (e as { rows: number }).rows);
      expect(counts.length).to.be.greaterThan(5);
      expect(counts.at(-1)).to.equal(outcome.rows);
    });

    const combos: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
      [
        'comma, decimal comma, no header',
        {
          dateFormat: 'DD/MM/YYYY',
          dateTimeFormat: 'DD/MM/YYYY hh:ii',
          timeZone: 'Europe/Paris',
          durationFormat: 'iso-8601',
        },
        { delimiter: 'comma', decimal: 'comma', showHeaders: 'no' },
      ],
      [
        'pipe, BOM, rawMinutes',
        {
          dateFormat: 'YYYYMMDD',
          dateTimeFormat: 'hhiiss DDMMYY',
          timeZone: 'America/New_York',
          durationFormat: 'rawMinutes',
        },
        { delimiter: 'pipe', bom: 'yes' },
      ],
      [
        'tabulation, padded, maxLength 5',
        {
          dateFormat: 'DD.MM.YY "x" \\ \'q\'',
          dateTimeFormat: 'YYYY-MM-DDThh:ii:ssZ',
          timeZone: 'Asia/Kolkata',
          durationFormat: 'padded',
          maxLength: '5',
        },
        { delimiter: 'tabulation', decimal: 'comma' },
      ],
      [
        'semicolon, paddedhh, maxLength 1',
        {
          dateFormat: 'ssss DDDD MMMM',
          dateTimeFormat: 'ssss DDDD hhhh',
          timeZone: 'Pacific/Chatham',
          durationFormat: 'paddedhh',
          maxLength: '1',
        },
        {},
      ],
      [
        'rawSeconds, maxLength 40 (surrogate pairs)',
        { durationFormat: 'rawSeconds', maxLength: '40', dateFormat: '' },
        { decimal: 'comma' },
      ],
    ];
    for (const [name, parameters, options] of combos) {
      it(`CSV ${name}: same bytes`, async () => {
        await expectSameBytes(db.knex, {
          columns: ALL_DEMO_COLUMNS,
          parameters,
          actions: [{ fileExportAction: { format: 'CSV', ...options } }],
        });
      });
    }

    it('TSV (whatever the delimiter option): same bytes', async () => {
      await expectSameBytes(db.knex, {
        columns: ALL_DEMO_COLUMNS,
        parameters: { durationFormat: 'iso-8601' },
        actions: [{ fileExportAction: { format: 'TSV', delimiter: 'comma', decimal: 'comma' } }],
      });
    });

    it('hostile bindings (quotes, $1, ?, backslashes, newlines) in a filter list and a bound column: same bytes, values never spliced', async () => {
      const texts = HOSTILE_TEXTS.filter((t): t is string => t !== null && t !== '');
      const outcome = await expectSameBytes(db.knex, {
        columns: [...ALL_DEMO_COLUMNS, { cConst: { label: 'second', value: "'); DROP TABLE copy_items; --" } }],
        parameters: { texts, maxId: '500' },
      });
      expect(outcome.rows).to.equal(texts.length);
      expect(Number((await db.knex.raw('SELECT count(*) AS n FROM copy_items')).rows[0].n)).to.equal(
        HOSTILE_TEXTS.length + 30_000,
      );
    });

    it('zero rows, with and without a header: same bytes', async () => {
      await expectSameBytes(db.knex, { columns: ALL_DEMO_COLUMNS, parameters: { maxId: '0' } });
      await expectSameBytes(db.knex, {
        columns: ALL_DEMO_COLUMNS,
        parameters: { maxId: '0' },
        actions: [{ fileExportAction: { format: 'CSV', showHeaders: 'no' } }],
      });
    });

    it('one column holding \\. (PostgreSQL quotes it alone on a line): same bytes', async () => {
      await expectSameBytes(db.knex, { columns: ['cText'], parameters: { maxId: '40' } });
    });

    const notTaken: Array<[string, Export]> = [
      [
        'two actions',
        {
          columns: ['cId', 'cText'],
          actions: [{ fileExportAction: { format: 'CSV' } }, { fileExportAction: { format: 'TSV' } }],
        },
      ],
      ['XLSX', { columns: ['cId', 'cText'], actions: [{ fileExportAction: { format: 'XLSX' } }] }],
      ['JSON', { columns: ['cId', 'cText'], actions: [{ fileExportAction: { format: 'JSON' } }] }],
      ['stripHTML', { columns: ['cId', 'cText'], parameters: { stripHTML: 'yes' } }],
      ['a computed column (templatedValue-like)', { columns: ['cId', 'cText', 'cComputed'] }],
      ['a JS-only formatter', { columns: ['cId', 'cUpper'] }],
      [
        'ISO-8859-1',
        {
          columns: ['cId', 'cKind'],
          actions: [{ fileExportAction: { format: 'CSV', encoding: 'ISO-8859-1', unmappable: 'replace' } }],
        },
      ],
      [
        'formulaEscape',
        { columns: ['cId', 'cText'], actions: [{ fileExportAction: { format: 'CSV', formulaEscape: 'yes' } }] },
      ],
    ];
    for (const [name, exp] of notTaken) {
      it(`not taken with ${name}: the row path`, async () => {
        const outcome = await runTemplate(
          db.knex,
          yamlOf({ ...exp, parameters: { maxId: '200', ...exp.parameters } }),
          { copyPath: 'auto' },
        );
        expect(rowsTaken(outcome), outcome.statements.join(' ')).to.equal(true);
      });
    }

    it('without copyPath the default applies (EXPORTKIT_COPY_PATH, else auto)', async () => {
      const outcome = await runTemplate(db.knex, yamlOf({ columns: ['cId'], parameters: { maxId: '10' } }));
      const expected = process.env['EXPORTKIT_COPY_PATH'] === 'off' ? rowsTaken(outcome) : copyTaken(outcome);
      expect(expected, outcome.statements.join(' ')).to.equal(true);
    });

    it("copyPath: 'off' keeps the row path", async () => {
      const outcome = await runTemplate(db.knex, yamlOf({ columns: ['cId'], parameters: { maxId: '10' } }), {
        copyPath: 'off',
      });
      expect(rowsTaken(outcome)).to.equal(true);
    });

    const lastRun = async (guid: string) =>
      (await db.knex('exportkit.export_runs').where({ export_guid: guid }).orderBy('id', 'desc').first()) as {
        status: string;
        rows: number | string;
      };

    it('an abort mid-stream keeps no file and records the failure', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'exportkit-copy-'));
      const controller = new AbortController();
      const statements: string[] = [];
      const listen = (q: { sql: string }) => statements.push(q.sql.trim().split(/\s+/)[0]!.toUpperCase());
      db.knex.on('query', listen);
      try {
        const engine = createEngine({
          knex: db.knex,
          dataDir,
          plugins: [copyDemoPlugin],
          now: new Date('2021-04-02T12:00:00Z'),
          copyPath: 'auto',
        });
        let failure: unknown;
        await engine
          .run(parseTemplate(yamlOf({ guid: 'copy-abort', columns: ALL_DEMO_COLUMNS }), 'abort.yaml', 'yaml'), {
            signal: controller.signal,
            onProgress: (event) => event.type === 'rows' && event.rows >= 4000 && controller.abort(),
          })
          .catch((error: unknown) => (failure = error));
        expect((failure as Error | undefined)?.name).to.equal('AbortError');
        expect(statements).to.include('COPY');
        expect(filesUnder(dataDir)).to.deep.equal([]);
        const run = await lastRun('copy-abort');
        expect(run.status).to.equal('failed');
        expect(Number(run.rows)).to.be.at.least(4000).and.below(30_000);
        // The pool still works afterwards.
        expect((await db.knex.raw('SELECT 1 AS one')).rows[0].one).to.equal(1);
      } finally {
        db.knex.off('query', listen);
        rmSync(dataDir, { recursive: true, force: true });
      }
    });

    it('a database error mid-stream keeps no file and records the failure', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'exportkit-copy-'));
      try {
        const engine = createEngine({
          knex: db.knex,
          dataDir,
          plugins: [copyDemoPlugin],
          now: new Date('2021-04-02T12:00:00Z'),
          copyPath: 'auto',
        });
        let failure: unknown;
        const events: number[] = [];
        await engine
          .run(parseTemplate(yamlOf({ guid: 'copy-boom', columns: ['cId', 'cText', 'cBoom'] }), 'boom.yaml', 'yaml'), {
            onProgress: (event) => event.type === 'rows' && events.push(event.rows),
          })
          .catch((error: unknown) => (failure = error));
        expect(String(failure)).to.match(/division by zero/);
        expect(filesUnder(dataDir)).to.deep.equal([]);
        expect((await lastRun('copy-boom')).status).to.equal('failed');
        expect((await db.knex.raw('SELECT 1 AS one')).rows[0].one).to.equal(1);
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });

/* The consolidatedTracking provider on the shared fixture database. */

const CONSOLIDATED_COLUMNS = [
  'candidateId',
  'candidateName',
  'candidateFirstname',
  'candidateLogin',
  'candidateEmail',
  'candidateRefNumber',
  'candidateGuid',
  'candidateEntityAncestors',
  'candidateEntityName',
  { candidateCustomFieldGuid: { label: 'Department', value: '8345C0A3-B8AB-7F65-0638-39B0E1244AA8' } },
  'candidateSmartgroups',
  'lastPlatformAccessDate',
  'nbLO',
  'nbLOStarted',
  'nbLOFinished',
  'registrationDate',
  'registrationGuid',
  'sessionId',
  'sessionTitle',
  'sessionGuid',
  'sessionStartDate',
  'sessionEndDate',
  'trainingId',
  'trainingTitle',
  'trainingPathCode',
  'trainingGuid',
  'catalogVisibility',
  'trainingStatus',
  'trainingModality',
  'trainingPublisher',
  'trainingChapters',
  'trainingDuration',
  'completionTime',
  'firstLaunchDate',
  'progression',
  'progressionMandatory',
  'score',
  'status',
  'thresholdReachedDate',
  'firstCompletionDate',
  'timeGlobal',
  { constantValue: { value: 'it\'s "$1" ; ?' } },
  'scoreNPS',
  'timeSpentCB',
  'timeSpentDigital',
  'timeSpent',
];

for (const kind of KINDS)
  suiteOn(kind)(titleOn(kind, 'COPY path on consolidatedTracking'), function () {
    let db: TestDatabase;
    before(async function () {
      this.timeout(300_000);
      db = await sharedDatabase(kind);
    });

    it("the user's example (configs/consolidated-tracking.xml, now 2021-04-02T12:00:00Z): same bytes", async () => {
      const dataDirs = [mkdtempSync(join(tmpdir(), 'exportkit-copy-')), mkdtempSync(join(tmpdir(), 'exportkit-copy-'))];
      const statements: string[][] = [[], []];
      try {
        const bytes: Buffer[] = [];
        for (const [i, copyPath] of (['auto', 'off'] as const).entries()) {
          const listen = (q: { sql: string }) => statements[i]!.push(q.sql.trim().split(/\s+/)[0]!.toUpperCase());
          db.knex.on('query', listen);
          const engine = createEngine({
            knex: db.knex,
            dataDir: dataDirs[i],
            now: new Date('2021-04-02T12:00:00Z'),
            copyPath,
          });
          try {
            const result = await engine.run('configs/consolidated-tracking.xml');
            const zip = result.exports[0]!.files.find((f) => f.endsWith('.zip'))!;
            const { execFileSync } = await import('node:child_process');
            bytes.push(execFileSync('unzip', ['-p', zip, 'consolidated-tracking.csv']));
          } finally {
            db.knex.off('query', listen);
            await engine.close();
          }
        }
        expect(statements[0]).to.include('COPY').and.not.include('FETCH');
        expect(statements[1]).to.include('FETCH').and.not.include('COPY');
        expect(bytes[0]!.toString('utf8')).to.equal(bytes[1]!.toString('utf8'));
        expect(bytes[0]!.equals(bytes[1]!)).to.equal(true);
        expect(readFileSync('configs/consolidated-tracking.xml', 'utf8')).to.include('<timeFrames>3</timeFrames>');
      } finally {
        for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
      }
    });

    const combos: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
      ['defaults', {}, {}],
      [
        'statusFormat, trainingStatusFormat, iso-8601, Paris',
        {
          statusFormat: { completed: 'Terminé; "ok"', incomplete: "En cours d'$1", notAttempted: '' },
          trainingStatusFormat: { published: 'Publié', archived: 'A\nrchivé' },
          timeGlobalFormat: 'iso-8601',
          timeZone: 'Europe/Paris',
          dateFormat: 'DD/MM/YYYY',
          dateTimeFormat: 'DD/MM/YYYY hh:ii',
        },
        { delimiter: 'comma', decimal: 'comma' },
      ],
      [
        'rawMinutes, maxLength 7, New York',
        {
          timeGlobalFormat: 'rawMinutes',
          maxLength: '7',
          timeZone: 'America/New_York',
          dateTimeFormat: 'YYYYMMDDhhiiss',
        },
        { delimiter: 'pipe', showHeaders: 'no' },
      ],
      [
        'padded, ancestorsWithCurrent, preferred locales',
        { timeGlobalFormat: 'padded', ancestorsWithCurrent: 'yes', preferredLocales: ['fr', 'en'] },
        { format: 'TSV' },
      ],
      [
        'paddedhh, time frames, Kolkata',
        {
          timeGlobalFormat: 'paddedhh',
          timeZone: 'Asia/Kolkata',
          timeFrames: '3',
          timeFramesScale: 'less_than_n_days',
          timeFrameScaleMode: 'lastActivity,timeSpent',
          statusFormat: { completed: 'C' },
        },
        { bom: 'yes', decimal: 'comma' },
      ],
    ];
    for (const [name, parameters, options] of combos) {
      it(`every column, ${name}: same bytes`, async () => {
        await expectSameBytes(
          db.knex,
          {
            provider: 'consolidatedTracking',
            columns: CONSOLIDATED_COLUMNS,
            parameters,
            actions: [{ fileExportAction: { format: 'CSV', ...options } }],
          },
          [],
        );
      });
    }

    it('templatedValue keeps the row path', async () => {
      const outcome = await runTemplate(
        db.knex,
        yamlOf({
          provider: 'consolidatedTracking',
          columns: ['candidateId', { templatedValue: { templateId: '1' } }],
          parameters: { templates: { '1': 'x{0}' } },
        }),
        { plugins: [] },
      );
      expect(rowsTaken(outcome), outcome.statements.join(' ')).to.equal(true);
    });
  });
