// `npm run bench` — exportkit against the bar (PostgreSQL COPY piped into zip -1) on the user's
// example, in one run, on a scratch PostgreSQL database. docs/benchmarks.md explains it all.
//
//   npm run bench -- [--registrations N] [--repeat K] [--keep-db NAME [--skip-seed]] [--scenario example|all]
//                    [--anchor YYYY-MM-DD] [--seed S] [--profile] [--explain] [--pglite] [--no-results]
//
// Progress goes to stderr, the summary to stdout, and the figures are appended to bench/RESULTS.md.
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  appendFileSync,
  readdirSync,
} from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { compareCsvFiles } from './compare-csv.js';
import { formatSummary, summariseProfile } from './profile-summary.js';
import { runFormatsScenario } from './formats-scenario.js';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(BENCH, '..');
const TMP = join(BENCH, 'tmp', `run-${process.pid}`);
const RESULTS = join(BENCH, 'RESULTS.md');
const CHILD = join(BENCH, 'export-child.js');
const CLI = join(ROOT, 'packages/exportkit/dist/main.js');

// The user's example: 3 days (less_than_n_days), no timeZone parameter (UTC). The reference query
// takes them as psql variables.
const WINDOW_DAYS = 3;
const TIME_ZONE = 'UTC';

/** What is exported, and the hand-written query that is its bar. */
const SCENARIOS = {
  example: {
    title: "the user's example (3-day time frame)",
    template: () => userExample(),
    sql: join(BENCH, 'reference-query.sql'),
  },
  all: {
    title: 'every registration (the example without time frame, withoutLaunchTime = yes)',
    template: () => join(BENCH, 'all-registrations.xml'),
    sql: join(BENCH, 'reference-query-all.sql'),
  },
  // Its own flow (bench/formats-scenario.js): every format of the `all` export, against its CSV.
  formats: {
    title: 'every registration in each file format, against its CSV export',
    template: () => join(BENCH, 'all-registrations.xml'),
    sql: join(BENCH, 'reference-query-all.sql'),
  },
};

// ---------------------------------------------------------------------------------------------
// Command line

const USAGE = `usage: npm run bench -- [options]
  --registrations N   registrations to seed (default 100000)
  --repeat K          timed repetitions of each side; the median is reported (default 3)
  --keep-db NAME      use (create if missing) database NAME on the server and keep it afterwards
  --skip-seed         with --keep-db: use the data already there
  --scenario S        example (default): the user's example, configs/consolidated-tracking.xml;
                      all: bench/all-registrations.xml, every registration a row (the row pipeline's cost)
                      formats: the all export as CSV, as each other format alone and as all six
                      from one export, whole CLI processes, ratios to the CSV and peak RSS
  --anchor DAY        the seed's last day of activity (default 2024-06-30); --now is its end of day
  --seed S            random seed (default 1)
  --profile           one more exportkit run under node --cpu-prof, summarised
  --explain           EXPLAIN (ANALYZE, BUFFERS) of both queries into bench/tmp
  --pglite            also seed a PGlite folder with N registrations and time the CLI on it once
  --no-results        do not append to bench/RESULTS.md
  --help
Database server: $DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test).`;

function parseArgs(argv) {
  const options = {
    registrations: 100_000,
    repeat: 3,
    keepDb: undefined,
    skipSeed: false,
    anchor: '2024-06-30',
    seed: 1,
    profile: false,
    explain: false,
    pglite: false,
    results: true,
    scenario: 'example',
  };
  const positive = (name, value) => {
    const n = Number(String(value).replaceAll('_', ''));
    if (!Number.isSafeInteger(n) || n < 1) fail(`${name} needs a positive integer, got ${value}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [name, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      const v = argv[++i];
      if (v === undefined) fail(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '--registrations':
        options.registrations = positive(name, value());
        break;
      case '--repeat':
        options.repeat = positive(name, value());
        break;
      case '--keep-db':
        options.keepDb = value();
        break;
      case '--skip-seed':
        options.skipSeed = true;
        break;
      case '--anchor':
        options.anchor = value();
        break;
      case '--scenario':
        options.scenario = value();
        break;
      case '--seed':
        options.seed = positive(name, value());
        break;
      case '--profile':
        options.profile = true;
        break;
      case '--explain':
        options.explain = true;
        break;
      case '--pglite':
        options.pglite = true;
        break;
      case '--no-results':
        options.results = false;
        break;
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`);
        process.exit(0);
        break;
      default:
        fail(`unknown option ${arg}\n${USAGE}`);
    }
  }
  if (options.skipSeed && !options.keepDb) fail('--skip-seed needs --keep-db NAME (a database seeded earlier)');
  if (options.keepDb && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(options.keepDb))
    fail(`--keep-db: "${options.keepDb}" is not a plain database name`);
  if (!SCENARIOS[options.scenario])
    fail(`--scenario: one of ${Object.keys(SCENARIOS).join(', ')}, got ${options.scenario}`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(options.anchor)) fail(`--anchor needs YYYY-MM-DD, got ${options.anchor}`);
  return options;
}

function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// Small helpers

const started = performance.now();
const log = (message) =>
  process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(1).padStart(6)}s] ${message}\n`);
const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const secs = (ms) => (ms / 1000).toFixed(2);
const int = (n) => Math.round(n).toLocaleString('en-US');
const size = (bytes) => (bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e3).toFixed(1)} kB`);

/** Runs a command; resolves with its exit code, stdout, stderr and wall time. */
function run(command, args, { env, stdio, cwd = ROOT } = {}) {
  return new Promise((resolvePromise, reject) => {
    const t0 = performance.now();
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: stdio ?? ['ignore', 'pipe', 'pipe'],
    });
    // Buffers joined before decoding: a multi-byte character may straddle two chunks.
    const out = [];
    const err = [];
    child.stdout?.on('data', (d) => out.push(d));
    child.stderr?.on('data', (d) => err.push(d));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolvePromise({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        ms: performance.now() - t0,
      }),
    );
  });
}

async function must(what, command, args, options) {
  const result = await run(command, args, options);
  if (result.code !== 0) throw new Error(`${what} failed (exit ${result.code}):\n${result.stderr || result.stdout}`);
  return result;
}

function withDatabase(url, database) {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

function safeUrl(url) {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

function throttledProgress(prefix) {
  let phase = '';
  let last = 0;
  return ({ phase: p, done, total }) => {
    const now = performance.now();
    if (p !== phase || done === total || now - last > 5000) {
      if (p !== phase || now - last > 5000 || (done === total && total > 0 && p === phase)) {
        log(`${prefix}${p} ${int(done)}/${int(total)}`);
      }
      phase = p;
      last = now;
    }
  };
}

// ---------------------------------------------------------------------------------------------
// The machine

async function describeMachine(knex) {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown CPU';
  const { rows } = await knex.raw("SELECT version() AS version, current_setting('server_version') AS short");
  const server = rows[0].short;
  let commit = '';
  const git = await run('git', ['rev-parse', '--short', 'HEAD']).catch(() => undefined);
  if (git?.code === 0) commit = git.stdout.trim();
  return {
    cpu: model,
    cores: cpus().length,
    memoryGiB: totalmem() / 2 ** 30,
    node: process.version,
    postgres: server,
    postgresFull: rows[0].version,
    load: loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
    commit,
  };
}

// ---------------------------------------------------------------------------------------------
// The template

function userExample() {
  const config = join(ROOT, 'configs/consolidated-tracking.xml');
  if (existsSync(config)) return config;
  const seedDoc = '/work/shared/seed/consolidated-tracking-provider.md';
  const md = readFileSync(seedDoc, 'utf8');
  const block = /```xml\s*\n([\s\S]*?)```/.exec(md)?.[1];
  if (!block) throw new Error(`no XML block in ${seedDoc}`);
  const file = join(BENCH, 'user-example.xml');
  writeFileSync(file, block);
  return file;
}

// ---------------------------------------------------------------------------------------------
// The two sides

/** exportkit through the engine API, in a child process (its own peak RSS). */
async function runExportkit({ url, now, template, dataDir, nodeArgs = [], sqlOut, runs = 1, split = false, env }) {
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const args = [...nodeArgs, CHILD, template, '--db', url, '--data-dir', dataDir, '--now', now, '--runs', String(runs)];
  if (sqlOut) args.push('--sql-out', sqlOut);
  if (split) args.push('--split');
  const result = await must('exportkit run', process.execPath, args, env ? { env } : undefined);
  const out = JSON.parse(result.stdout.trim().split('\n').pop());
  return { ...out, wallMs: result.ms, zip: out.files[0] };
}

/** The bar: psql COPY (reference query) TO STDOUT, piped into zip -1. */
async function runReference({ url, now, sql, zipPath, toNull = false }) {
  rmSync(zipPath, { force: true }); // zip would update an existing archive
  const sink = toNull ? '> /dev/null' : '| zip -1 -q "$BENCH_ZIP" -';
  const script = `set -o pipefail; psql -X -q -v now="$BENCH_NOW" -v days="$BENCH_DAYS" -v tz="$BENCH_TZ" -f "$BENCH_SQL" "$BENCH_URL" ${sink}`;
  const result = await must(toNull ? 'psql (query alone)' : 'psql | zip', 'bash', ['-c', script], {
    env: {
      BENCH_NOW: now,
      BENCH_DAYS: String(WINDOW_DAYS),
      BENCH_TZ: TIME_ZONE,
      BENCH_SQL: sql,
      BENCH_URL: url,
      BENCH_ZIP: zipPath,
    },
  });
  return { wallMs: result.ms };
}

/** The statement the row path would declare as its cursor (stream/cursor.ts), from engine.statements(). */
async function rowPathStatement({ url, now, template, dataDir }) {
  const { createEngine } = await import('exportkit');
  const engine = createEngine({ databaseUrl: url, dataDir, now: new Date(now) });
  try {
    const [statement, ...others] = await engine.statements(template, { now: new Date(now) });
    if (!statement || others.length)
      throw new Error(`${relative(ROOT, template)}: expected one export, got ${others.length + (statement ? 1 : 0)}`);
    return { sql: `DECLARE exportkit_rows NO SCROLL CURSOR FOR ${statement.sql}`, bindings: statement.bindings };
  } finally {
    await engine.close();
  }
}

/**
 * The COPY path's own statements as a warm run sent them: the `SELECT set_config(…)` of its
 * bindings (none when it has no bindings) and the `COPY (…) TO STDOUT`. Undefined on the row path.
 */
function copyPathStatements(statements) {
  const copyIndex = statements.findIndex((st) => st.sql.startsWith('COPY ('));
  if (copyIndex < 0) return undefined;
  const settings = statements.slice(0, copyIndex).findLast((st) => st.sql.startsWith('SELECT set_config('));
  return { settings, copy: statements[copyIndex] };
}

/**
 * exportkit's COPY statement alone, as the engine sends it, its CSV read and dropped
 * (pg-copy-streams into nothing): the same work for PostgreSQL as the reference's
 * `psql COPY > /dev/null`. A cursor's `MOVE ALL` is not that: it plans for a fast start
 * (cursor_tuple_fraction) and calls no type output function.
 */
async function runExportkitCopyAlone(pg, url, { settings, copy }) {
  const { default: copyStreams } = await import('pg-copy-streams');
  return timedTransaction(pg, url, async (client) => {
    if (settings) await client.query(settings.sql, settings.bindings);
    const stream = client.query(copyStreams.to(copy.sql));
    stream.resume();
    await new Promise((resolvePromise, reject) => {
      stream.on('end', resolvePromise);
      stream.on('error', reject);
    });
    return stream.rowCount;
  });
}

/**
 * `work` inside one transaction with JIT off, as the engine runs its statements, on a connection
 * of its own; its wall time (connecting excluded) and the rows it returns.
 */
async function timedTransaction(pg, url, work) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const t0 = performance.now();
    await client.query('BEGIN');
    await client.query('SET LOCAL jit = off');
    const rows = await work(client);
    await client.query('COMMIT');
    return { wallMs: performance.now() - t0, rows };
  } finally {
    await client.end();
  }
}

/** How exportkit's query alone is timed: its COPY statement on the COPY path, its cursor on the row path. */
function ourQueryMethod(copyPath) {
  return copyPath ? 'its COPY statement, the CSV read and dropped' : 'DECLARE cursor + MOVE ALL';
}

/** exportkit's own query alone, as the engine runs it (a cursor), without fetching: DECLARE + MOVE ALL. */
async function runExportkitQueryAlone(pg, url, declare) {
  return timedTransaction(pg, url, async (client) => {
    await client.query(declare.sql, declare.bindings);
    return (await client.query('MOVE ALL FROM exportkit_rows')).rowCount;
  });
}

/** Extracts the CSV entry of a zip into `csvPath` (a file: at 1M rows it exceeds what a string may hold). */
async function unzipCsv(zipPath, csvPath) {
  const list = await must('unzip -Z1', 'unzip', ['-Z1', zipPath]);
  const entry = list.stdout.split('\n').find((n) => n.endsWith('.csv')) ?? list.stdout.split('\n')[0];
  await must(`unzip -p ${zipPath} ${entry}`, 'bash', ['-c', 'set -o pipefail; unzip -p "$ZIP" "$ENTRY" > "$OUT"'], {
    env: { ZIP: zipPath, ENTRY: entry, OUT: csvPath },
  });
  return csvPath;
}

// ---------------------------------------------------------------------------------------------
// EXPLAIN of both queries (--explain)

async function explainBoth(pg, url, declare, now, referenceSql) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const files = [];
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL jit = off');
    const select = declare.sql.replace(/^DECLARE exportkit_rows NO SCROLL CURSOR FOR /, '');
    const plan = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${select}`, declare.bindings);
    await client.query('ROLLBACK');
    const file = join(TMP, 'explain-exportkit.txt');
    writeFileSync(
      file,
      `-- exportkit's query (bindings: ${JSON.stringify(declare.bindings)})\n${select}\n\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}\n`,
    );
    files.push(file);
  } finally {
    await client.end();
  }
  const sql = readFileSync(referenceSql, 'utf8')
    .replace(/^COPY \(\n/m, 'EXPLAIN (ANALYZE, BUFFERS)\n')
    .replace(/^\) TO STDOUT WITH \(FORMAT csv, HEADER, DELIMITER ';'\);\s*$/m, ';');
  const explainSql = join(TMP, 'explain-reference.sql');
  writeFileSync(explainSql, sql);
  const result = await must('psql EXPLAIN', 'psql', [
    '-X',
    '-q',
    '-v',
    `now=${now}`,
    '-v',
    `days=${WINDOW_DAYS}`,
    '-v',
    `tz=${TIME_ZONE}`,
    '-f',
    explainSql,
    url,
  ]);
  const file = join(TMP, 'explain-reference.txt');
  writeFileSync(file, result.stdout);
  files.push(file);
  return files;
}

// ---------------------------------------------------------------------------------------------
// PGlite (--pglite): the CLI, seeded then run once, under /usr/bin/time for its peak RSS.

async function runPglite({ registrations, anchor, seed, now, template }) {
  const dir = join(TMP, 'pglite');
  rmSync(dir, { recursive: true, force: true });
  log(`PGlite: seeding ${int(registrations)} registrations into ${relative(ROOT, dir)} (exportkit db seed)…`);
  const seeded = await must('exportkit db seed (PGlite)', process.execPath, [
    CLI,
    'db',
    'seed',
    '--registrations',
    String(registrations),
    '--seed',
    String(seed),
    '--anchor',
    anchor,
    '--db',
    `file:${dir}`,
  ]);
  log(`PGlite: seeded in ${secs(seeded.ms)} s; running the export (exportkit run)…`);
  const dataDir = join(TMP, 'data-pglite');
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const timeFile = join(TMP, 'pglite-time.txt');
  const runResult = await must('exportkit run (PGlite)', '/usr/bin/time', [
    '-f',
    '%M %e',
    '-o',
    timeFile,
    process.execPath,
    CLI,
    'run',
    template,
    '--db',
    `file:${dir}`,
    '--data-dir',
    dataDir,
    '--now',
    now,
  ]);
  const [maxRssKb, elapsed] = readFileSync(timeFile, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
  const rows = Number(/: (\d+) rows/.exec(runResult.stdout)?.[1] ?? NaN);
  const zip = runResult.stdout.split('\n').find((l) => l.endsWith('.zip'));
  return { seedMs: seeded.ms, wallMs: runResult.ms, elapsedS: elapsed, maxRssKb, rows, zip };
}

// ---------------------------------------------------------------------------------------------
// Main

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const serverUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
  const dbName = options.keepDb ?? `exportkit_bench_${process.pid}`;
  const url = withDatabase(serverUrl, dbName);
  const now = `${options.anchor}T23:59:59Z`;
  const scenario = SCENARIOS[options.scenario];
  const template = scenario.template();
  mkdirSync(TMP, { recursive: true });

  const { connect } = await import('@exportkit/db');
  const { seed } = await import('@exportkit/synthetic-data');
  const pg = (await import('pg')).default;
  const admin = await connect(serverUrl);
  let created = false;
  let dropped = false;
  const dropScratch = async () => {
    if (!created || dropped || options.keepDb) return;
    dropped = true;
    await admin.knex.raw(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    log(`dropped ${dbName}`);
  };
  const onSignal = (signal) => {
    log(`${signal}: cleaning up`);
    dropScratch().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const machine = await describeMachine(admin.knex);
    log(`server ${safeUrl(serverUrl)} (PostgreSQL ${machine.postgres}); ${machine.cores} cores, load ${machine.load}`);
    const exists = (await admin.knex.raw('SELECT 1 FROM pg_database WHERE datname = ?', [dbName])).rows.length > 0;
    if (!exists) {
      if (options.skipSeed) throw new Error(`--skip-seed: database ${dbName} does not exist`);
      await admin.knex.raw(`CREATE DATABASE "${dbName}"`);
      created = true;
      log(`created database ${dbName}`);
    } else {
      log(`using existing database ${dbName}`);
    }

    // Seed
    let seedSummary;
    const database = await connect(url);
    try {
      if (options.skipSeed) {
        const counts = await database.knex.raw(
          'SELECT (SELECT count(*) FROM registrations) AS registrations, (SELECT count(*) FROM learners) AS learners, ' +
            '(SELECT count(*) FROM trackings) AS trackings, (SELECT count(*) FROM tracking_days) AS tracking_days, ' +
            "(SELECT to_char(max(day), 'YYYY-MM-DD') FROM tracking_days) AS last_day",
        );
        const c = counts.rows[0];
        seedSummary = {
          registrations: Number(c.registrations),
          learners: Number(c.learners),
          trackings: Number(c.trackings),
          trackingDays: Number(c.tracking_days),
          anchor: c.last_day,
          seed: undefined,
          elapsedMs: undefined,
          reused: true,
        };
        if (c.last_day && c.last_day !== options.anchor)
          log(`warning: the data's last day is ${c.last_day}, not --anchor ${options.anchor}`);
        log(
          `--skip-seed: ${int(seedSummary.registrations)} registrations, ${int(seedSummary.trackings)} trackings already there`,
        );
      } else {
        log(`seeding ${int(options.registrations)} registrations (seed ${options.seed}, anchor ${options.anchor})…`);
        seedSummary = await seed(database.knex, {
          registrations: options.registrations,
          seed: options.seed,
          anchor: options.anchor,
          reset: exists,
          onProgress: throttledProgress('seeding '),
        });
        log(
          `seeded in ${secs(seedSummary.elapsedMs)} s: ${int(seedSummary.learners)} learners, ${int(seedSummary.registrations)} registrations, ` +
            `${int(seedSummary.trackings)} trackings, ${int(seedSummary.trackingDays)} tracking days`,
        );
      }
    } finally {
      await database.close();
    }

    if (options.scenario === 'formats') {
      await runFormatsScenario({
        url,
        now,
        repeat: options.repeat,
        tmp: TMP,
        log,
        machine,
        seedSummary,
        results: options.results && RESULTS,
      });
      return;
    }

    // What a host that keeps its engine pays per export: runs 2..K+1 of one engine. This run also
    // records the statements exportkit sends (for its query alone and --explain).
    log(`exportkit warm: ${options.repeat + 1} runs in one engine (the first one loads the plugins, not counted)…`);
    const sqlOut = join(TMP, 'exportkit-statements.json');
    const warm = await runExportkit({
      url,
      now,
      template,
      dataDir: join(TMP, 'data-warm'),
      runs: options.repeat + 1,
      sqlOut,
    });
    log(`  warm runs: ${warm.warmMs.map((ms) => secs(ms)).join(', ')} s`);
    const sent = JSON.parse(readFileSync(sqlOut, 'utf8'));
    const copyPath = copyPathStatements(sent);
    let declare = sent.find((st) => st.sql.startsWith('DECLARE exportkit_rows'));
    // The COPY path sends no cursor: its query alone is the row path's statement, composed without
    // running it (a whole export through the row path only to capture it took minutes at 1M rows).
    declare ??= await rowPathStatement({ url, now, template, dataDir: join(TMP, 'data-sql') });
    if (!declare) throw new Error('exportkit sent no DECLARE exportkit_rows statement: has stream/cursor.ts changed?');

    // Time both sides, interleaved.
    const ours = [];
    const bar = [];
    const barQuery = [];
    const ourQuery = [];
    const barZip = join(TMP, 'reference.zip');
    for (let i = 1; i <= options.repeat; i++) {
      log(`run ${i}/${options.repeat}: exportkit (engine.run in a child process)…`);
      const e = await runExportkit({ url, now, template, dataDir: join(TMP, 'data') });
      ours.push(e);
      log(
        `  exportkit: ${secs(e.runMs)} s in engine.run (${secs(e.wallMs)} s with start-up), ${int(e.rows)} rows, peak RSS ${int(e.maxRssKb / 1024)} MB`,
      );

      log(`run ${i}/${options.repeat}: the bar (psql COPY | zip -1)…`);
      const r = await runReference({ url, now, sql: scenario.sql, zipPath: barZip });
      bar.push(r);
      log(`  bar: ${secs(r.wallMs)} s`);

      log(
        `run ${i}/${options.repeat}: the queries alone (psql COPY > /dev/null; exportkit ${ourQueryMethod(copyPath)})…`,
      );
      barQuery.push(
        await runReference({ url, now, sql: scenario.sql, zipPath: join(TMP, 'unused.zip'), toNull: true }),
      );
      ourQuery.push(
        copyPath ? await runExportkitCopyAlone(pg, url, copyPath) : await runExportkitQueryAlone(pg, url, declare),
      );
      log(`  reference query ${secs(barQuery.at(-1).wallMs)} s; exportkit query ${secs(ourQuery.at(-1).wallMs)} s`);
    }

    // Same rows? Same contents?
    log('comparing the outputs of the last runs…');
    const ourCsv = await unzipCsv(ours.at(-1).zip, join(TMP, 'exportkit.csv'));
    const barCsv = await unzipCsv(barZip, join(TMP, 'reference.csv'));
    const comparison = await compareCsvFiles(ourCsv, barCsv, TMP);
    const rowCounts = new Set(ours.map((o) => o.rows));
    const sizes = {
      ourCsv: statSync(ourCsv).size,
      barCsv: statSync(barCsv).size,
      ourZip: statSync(ours.at(-1).zip).size,
      barZip: statSync(barZip).size,
    };

    let explainFiles = [];
    if (options.explain) {
      log('EXPLAIN (ANALYZE, BUFFERS) of both queries…');
      explainFiles = await explainBoth(pg, url, declare, now, scenario.sql);
    }

    let profile;
    if (options.profile) {
      const dir = join(TMP, 'profile');
      rmSync(dir, { recursive: true, force: true });
      log('profiling one more exportkit run (node --cpu-prof)…');
      // --split: plugins loaded and database connected before engine.run(), each timed on its own.
      const p = await runExportkit({
        url,
        now,
        template,
        dataDir: join(TMP, 'data'),
        nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir],
        split: true,
      });
      const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
      const data = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      const m = p.marks;
      const span = (from, to) => `${secs((to - from) / 1000)} s`;
      const phases = [
        `profiled run (under --cpu-prof, slower than the timed runs): process ${secs(p.wallMs)} s =`,
        `  node start-up until bench/export-child.js runs: ${secs(p.wallMs - p.totalMs)} s (approx.)`,
        `  import('@exportkit/core'): ${span(m.start, m.imported)}`,
        `  engine.registry() (built-in plugins imported, container, registry): ${span(m.imported, m.registry)}`,
        `  engine.database() (connect): ${span(m.registry, m.connect)}`,
        `  engine.run(): ${span(m.runStart, m.runEnd)} (phases: ${Object.entries(p.timings)
          .map(([k, v]) => `${k} ${Number(v).toFixed(2)} s`)
          .join(', ')})`,
      ].join('\n');
      profile = {
        run: p,
        file: join(dir, file),
        text: [
          phases,
          formatSummary(
            summariseProfile(data, { fromUs: m.runStart, toUs: m.runEnd }),
            30,
            'engine.run() (plugins loaded, connected)',
          ),
          formatSummary(
            summariseProfile(data, { fromUs: m.start, toUs: m.registry }),
            12,
            "import('@exportkit/core') + engine.registry()",
          ),
          formatSummary(summariseProfile(data), 12, 'whole process'),
        ].join('\n\n'),
      };
      writeFileSync(join(dir, 'summary.txt'), `${profile.text}\n`);
    }

    let pglite;
    if (options.pglite)
      pglite = await runPglite({
        registrations: options.registrations,
        anchor: options.anchor,
        seed: options.seed,
        now,
        template,
      });
    let pgliteComparison;
    if (pglite?.zip)
      pgliteComparison = await compareCsvFiles(await unzipCsv(pglite.zip, join(TMP, 'pglite.csv')), barCsv, TMP);

    // Report
    const report = buildReport({
      scenario,
      options,
      machine,
      seedSummary,
      dbName,
      template,
      now,
      ours,
      warm,
      bar,
      barQuery,
      ourQuery,
      copyPath,
      comparison,
      rowCounts,
      sizes,
      pglite,
      pgliteComparison,
      explainFiles,
    });
    process.stdout.write(`\n${report.console}\n`);
    if (profile) process.stdout.write(`\n${profile.text}\n(profile: ${relative(ROOT, profile.file)})\n`);
    if (options.results) {
      if (!existsSync(RESULTS)) {
        writeFileSync(
          RESULTS,
          '# Benchmark results\n\nAppended by `npm run bench` (bench/run.js), one dated section per run, never rewritten. How to read them: docs/benchmarks.md.\n',
        );
      }
      appendFileSync(RESULTS, `\n${report.markdown}`);
      log(`appended to ${relative(ROOT, RESULTS)}`);
    }
  } finally {
    await dropScratch().catch((error) => log(`could not drop ${dbName}: ${error.message}`));
    await admin.close();
    if (!options.profile && !options.explain) rmSync(TMP, { recursive: true, force: true });
    else log(`kept ${relative(ROOT, TMP)} (profile / plans)`);
  }
}

function markdownDifferences(comparison) {
  if (comparison.identical) return [];
  const lines = [];
  if (!comparison.headerSame) {
    lines.push(
      `  - headers: exportkit \`${comparison.headerOurs.join(';')}\`, reference \`${comparison.headerReference.join(';')}\``,
    );
  }
  if (comparison.firstDifference) {
    lines.push(`  - first differing line (sorted, #${comparison.firstDifference.index + 1}):`);
    lines.push(`    - exportkit: \`${comparison.firstDifference.ours}\``);
    lines.push(`    - reference: \`${comparison.firstDifference.reference}\``);
  }
  if (comparison.onlyOurs || comparison.onlyReference) {
    lines.push(
      `  - registrations only in exportkit: ${comparison.onlyOurs}, only in the reference: ${comparison.onlyReference}`,
    );
  }
  for (const d of comparison.columnDifferences) {
    lines.push(
      `  - column \`${d.column}\`: ${int(d.rows)} rows differ, e.g. registration ${d.example.registration} (learner/session): exportkit \`${d.example.ours}\`, reference \`${d.example.reference}\``,
    );
  }
  return lines;
}

function buildReport({
  scenario,
  options,
  machine,
  seedSummary,
  dbName,
  template,
  now,
  ours,
  warm,
  bar,
  barQuery,
  ourQuery,
  copyPath,
  comparison,
  rowCounts,
  sizes,
  pglite,
  pgliteComparison,
  explainFiles,
}) {
  const rows = ours.at(-1).rows;
  const mRun = median(ours.map((o) => o.runMs));
  const mWall = median(ours.map((o) => o.wallMs));
  const mWarm = median(warm.warmMs);
  const mBar = median(bar.map((b) => b.wallMs));
  const mBarQuery = median(barQuery.map((b) => b.wallMs));
  const mOurQuery = ourQuery.length ? median(ourQuery.map((b) => b.wallMs)) : NaN;
  const rss = Math.max(...ours.map((o) => o.maxRssKb)) / 1024;
  const list = (values) => values.map((v) => secs(v)).join(', ');
  const rate = (ms) => (ms > 0 ? int(rows / (ms / 1000)) : '—');
  const sameCount = comparison.rowsReference === rows && rowCounts.size === 1;
  const when = new Date().toISOString().replace('T', ' ').slice(0, 16);

  const compareLines = [];
  compareLines.push(
    `row counts: exportkit ${int(rows)}, reference ${int(comparison.rowsReference)} — ${sameCount ? 'the same' : 'DIFFERENT'}` +
      (rowCounts.size > 1 ? ` (exportkit varied between runs: ${[...rowCounts].join(', ')})` : ''),
  );
  compareLines.push(
    `headers: ${comparison.headerSame ? `the same ${comparison.columns} columns` : `DIFFERENT\n    exportkit: ${comparison.headerOurs.join(';')}\n    reference: ${comparison.headerReference.join(';')}`}`,
  );
  const strict = (problem) => (problem ? `FAILS: ${problem}` : 'reads cleanly');
  compareLines.push(
    `strict RFC 4180 read (a line break outside quotes ends a record): exportkit ${strict(comparison.strictOurs)}; reference ${strict(comparison.strictReference)}`,
  );
  if (comparison.identical) {
    compareLines.push('contents after sorting: identical');
  } else {
    compareLines.push('contents after sorting: different');
    if (comparison.firstDifference) {
      compareLines.push(`  first differing line (sorted, #${comparison.firstDifference.index + 1}):`);
      compareLines.push(`    exportkit: ${comparison.firstDifference.ours}`);
      compareLines.push(`    reference: ${comparison.firstDifference.reference}`);
    }
    if (comparison.onlyOurs || comparison.onlyReference)
      compareLines.push(
        `  registrations only in exportkit: ${comparison.onlyOurs}, only in the reference: ${comparison.onlyReference}`,
      );
    for (const d of comparison.columnDifferences) {
      compareLines.push(
        `  column ${d.column}: ${int(d.rows)} rows differ, e.g. registration ${d.example.registration}: exportkit "${d.example.ours}", reference "${d.example.reference}"`,
      );
    }
  }

  const table = [
    '| side | median s | runs (s) | rows/s | vs. the bar | peak RSS |',
    '|---|---:|---|---:|---:|---:|',
    `| exportkit, \`engine.run()\` | **${secs(mRun)}** | ${list(ours.map((o) => o.runMs))} | ${rate(mRun)} | **${(mRun / mBar).toFixed(2)}** | ${int(rss)} MB |`,
    `| exportkit, whole process (Node start-up and imports included) | ${secs(mWall)} | ${list(ours.map((o) => o.wallMs))} | ${rate(mWall)} | ${(mWall / mBar).toFixed(2)} | |`,
    `| exportkit, \`engine.run()\` warm (runs 2…${options.repeat + 1} of one engine) | ${secs(mWarm)} | ${list(warm.warmMs)} | ${rate(mWarm)} | ${(mWarm / mBar).toFixed(2)} | ${int(warm.maxRssKb / 1024)} MB |`,
    `| the bar: \`psql COPY … TO STDOUT CSV \\| zip -1\` | **${secs(mBar)}** | ${list(bar.map((b) => b.wallMs))} | ${rate(mBar)} | 1.00 | |`,
    `| reference query alone (\`psql COPY > /dev/null\`) | ${secs(mBarQuery)} | ${list(barQuery.map((b) => b.wallMs))} | ${rate(mBarQuery)} | ${(mBarQuery / mBar).toFixed(2)} | |`,
    `| exportkit's query alone (${ourQueryMethod(copyPath)}) | ${secs(mOurQuery)} | ${list(ourQuery.map((b) => b.wallMs))} | ${rate(mOurQuery)} | ${(mOurQuery / mBar).toFixed(2)} | |`,
  ];
  if (pglite) {
    table.push(
      `| exportkit CLI on PGlite (\`--db file:…\`, once) | ${secs(pglite.wallMs)} | ${secs(pglite.wallMs)} | ${int(pglite.rows / (pglite.wallMs / 1000))} | ${(pglite.wallMs / mBar).toFixed(2)} | ${int(pglite.maxRssKb / 1024)} MB |`,
    );
  }

  const seedLine = seedSummary.reused
    ? `existing database (--skip-seed): ${int(seedSummary.learners)} learners, ${int(seedSummary.registrations)} registrations, ${int(seedSummary.trackings)} trackings, ${int(seedSummary.trackingDays)} tracking days`
    : `seed ${seedSummary.seed}, anchor ${seedSummary.anchor} → ${int(seedSummary.learners)} learners, ${int(seedSummary.registrations)} registrations, ` +
      `${int(seedSummary.trackings)} trackings, ${int(seedSummary.trackingDays)} tracking days (seeded in ${secs(seedSummary.elapsedMs)} s)`;
  const timings = ours.at(-1).timings;
  const phases = Object.entries(timings)
    .map(([k, v]) => `${k} ${Number(v).toFixed(2)} s`)
    .join(', ');
  const extra = [];
  extra.push(
    `- Sizes: exportkit CSV ${size(sizes.ourCsv)} → zip ${size(sizes.ourZip)} (with manifest.json); reference CSV ${size(sizes.barCsv)} → zip ${size(sizes.barZip)}.`,
  );
  extra.push(`- exportkit's phases (last run): ${phases}.`);
  if (pglite) {
    extra.push(
      `- PGlite: \`exportkit db seed --registrations ${options.registrations}\` into a folder took ${secs(pglite.seedMs)} s; \`exportkit run\` ${secs(pglite.wallMs)} s, ${int(pglite.rows)} rows, peak RSS ${int(pglite.maxRssKb / 1024)} MB` +
        (pgliteComparison
          ? `; its CSV is ${pgliteComparison.identical ? 'identical to' : 'different from'} the PostgreSQL reference after sorting.`
          : '.'),
    );
  }
  if (explainFiles.length)
    extra.push(
      `- Plans (--explain): written to ${explainFiles.map((f) => relative(ROOT, f)).join(', ')} (git-ignored, local only).`,
    );

  const markdown = [
    `## ${when} UTC — ${int(seedSummary.registrations)} registrations, ${options.repeat} repetition${options.repeat > 1 ? 's' : ''}${options.scenario === 'example' ? '' : `, scenario ${options.scenario}`}`,
    '',
    `- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB.toFixed(1)} GiB; Node ${machine.node}; PostgreSQL ${machine.postgres} (same machine); load average at start ${machine.load}; commit ${machine.commit || '?'} (plus uncommitted work).`,
    `- Data: ${seedLine}.`,
    `- Export: ${scenario.title}, ${relative(ROOT, template)} (45 columns) against ${relative(ROOT, scenario.sql)}, \`now\` ${now} → ${int(rows)} rows; medians of ${options.repeat}, each repetition runs exportkit then the bar.`,
    '',
    ...table,
    '',
    ...extra,
    `- Outputs: ${compareLines[0]}; ${compareLines[1].replace(/\n.*/s, '')}.`,
    `- ${compareLines[2].replace(/^strict/, 'Strict')}.`,
    `- Contents (each CSV parsed with its own record delimiter, data rows sorted): ${comparison.identical ? 'identical.' : 'different:'}`,
    ...markdownDifferences(comparison),
    '',
  ].join('\n');

  const consoleText = [
    `exportkit vs. the bar — ${options.scenario}: ${int(seedSummary.registrations)} registrations, ${int(rows)} rows exported, medians of ${options.repeat}`,
    `  exportkit engine.run     ${secs(mRun).padStart(8)} s   ${rate(mRun).padStart(9)} rows/s   peak RSS ${int(rss)} MB   (runs ${list(ours.map((o) => o.runMs))})`,
    `  exportkit whole process  ${secs(mWall).padStart(8)} s   ${rate(mWall).padStart(9)} rows/s`,
    `  exportkit warm run       ${secs(mWarm).padStart(8)} s   ${rate(mWarm).padStart(9)} rows/s   (same engine, runs ${list(warm.warmMs)})`,
    `  bar: psql COPY | zip -1  ${secs(mBar).padStart(8)} s   ${rate(mBar).padStart(9)} rows/s   (runs ${list(bar.map((b) => b.wallMs))})`,
    `  ratio exportkit / bar    ${(mRun / mBar).toFixed(2).padStart(8)}     (whole process ${(mWall / mBar).toFixed(2)})`,
    `  queries alone: reference ${secs(mBarQuery)} s, exportkit ${secs(mOurQuery)} s`,
    pglite
      ? `  PGlite (CLI, once)       ${secs(pglite.wallMs).padStart(8)} s   peak RSS ${int(pglite.maxRssKb / 1024)} MB (seeding ${secs(pglite.seedMs)} s), ${int(pglite.rows)} rows, CSV ${pgliteComparison?.identical ? 'identical to' : 'different from'} the reference`
      : undefined,
    `  database ${dbName}${options.keepDb ? ' (kept)' : ' (dropped)'}`,
    ...compareLines.map((l) => `  ${l}`),
  ]
    .filter((l) => l !== undefined)
    .join('\n');
  return { markdown, console: consoleText };
}

main().catch((error) => {
  // Failures of the commands carry their output in the message; a stack only helps for bugs here.
  process.stderr.write(`bench: ${process.env.BENCH_DEBUG ? error?.stack : (error?.message ?? error)}\n`);
  process.exitCode = 1;
});
