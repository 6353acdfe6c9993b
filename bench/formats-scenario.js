// `npm run bench -- --scenario formats`: the same export (bench/all-registrations.xml's 45 columns,
// every registration) written as one CSV, as each other format alone, and as all six formats from
// one export, each as a whole `exportkit run` process under /usr/bin/time (wall time and peak RSS).
// Every figure is reported as a ratio to the CSV export. docs/benchmarks.md explains the figures.
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(BENCH, '..');
const CLI = join(ROOT, 'packages/exportkit/dist/main.js');
const SOURCE_TEMPLATE = join(BENCH, 'all-registrations.xml');

export const FORMATS = ['CSV', 'TSV', 'XML', 'XLSX', 'JSON', 'NDJSON'];

/** The variants timed, in order: CSV first (the reference of every ratio), then each format, then all six. */
const VARIANTS = [
  ...FORMATS.map((format) => ({ name: format, formats: [format] })),
  { name: 'all six', formats: FORMATS },
];

/**
 * A full template of the export with one fileExportAction per format: the provider block of
 * bench/all-registrations.xml (its short `<providers>` form has no room for actions).
 */
function templateFor(formats) {
  const source = readFileSync(SOURCE_TEMPLATE, 'utf8').replace(/<!--[\s\S]*?-->/g, '');
  const providers = /<providers>[\s\S]*<\/providers>/.exec(source)?.[0];
  if (!providers) throw new Error(`no <providers> block in ${SOURCE_TEMPLATE}`);
  const actions = formats
    .map((format) => `      <fileExportAction><format>${format}</format></fileExportAction>`)
    .join('\n');
  return `<export-config>\n  <export name="formats">\n${providers}\n    <actions>\n${actions}\n    </actions>\n  </export>\n</export-config>\n`;
}

/** One `exportkit run` under /usr/bin/time: wall seconds (measured here), peak RSS, rows, package size. */
function timeCli({ template, url, now, dataDir, timeFile }) {
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  return new Promise((resolvePromise, reject) => {
    const t0 = performance.now();
    const args = [
      '-f',
      '%M %e',
      '-o',
      timeFile,
      process.execPath,
      CLI,
      'run',
      template,
      '--db',
      url,
      '--data-dir',
      dataDir,
      '--now',
      now,
    ];
    const child = spawn('/usr/bin/time', args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      const stdout = Buffer.concat(out).toString('utf8');
      if (code !== 0)
        return reject(
          new Error(`exportkit run failed (exit ${code}):\n${Buffer.concat(err).toString('utf8') || stdout}`),
        );
      const [maxRssKb] = readFileSync(timeFile, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
      const rows = Number(/: (\d+) rows/.exec(stdout)?.[1] ?? NaN);
      const zip = stdout
        .split('\n')
        .map((l) => l.trim())
        .find((l) => l.endsWith('.zip'));
      resolvePromise({ ms, maxRssKb, rows, zipBytes: zip ? statSync(zip).size : undefined });
    });
  });
}

const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const secs = (ms) => (ms / 1000).toFixed(2);
const int = (n) => Math.round(n).toLocaleString('en-US');
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

/** The machine and data lines of a RESULTS.md section, as bench/run.js writes them. */
function contextLines(machine, seedSummary) {
  const data = seedSummary.reused
    ? `existing database (--skip-seed): ${int(seedSummary.learners)} learners, ${int(seedSummary.registrations)} registrations, ${int(seedSummary.trackings)} trackings, ${int(seedSummary.trackingDays)} tracking days`
    : `seed ${seedSummary.seed}, anchor ${seedSummary.anchor} → ${int(seedSummary.learners)} learners, ${int(seedSummary.registrations)} registrations, ` +
      `${int(seedSummary.trackings)} trackings, ${int(seedSummary.trackingDays)} tracking days (seeded in ${secs(seedSummary.elapsedMs)} s)`;
  return [
    `- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB.toFixed(1)} GiB; Node ${machine.node}; PostgreSQL ${machine.postgres} (same machine); load average at start ${machine.load}; commit ${machine.commit || '?'} (plus uncommitted work).`,
    `- Data: ${data}.`,
  ];
}

/**
 * Runs the scenario against database `url` (already seeded), prints its summary and appends its
 * section to `results` (the RESULTS.md path; false: not recorded). Each repetition runs every
 * variant once, in order.
 */
export async function runFormatsScenario({ url, now, repeat, tmp, log, machine, seedSummary, results }) {
  const report = await measureFormats({
    url,
    now,
    repeat,
    tmp,
    log,
    header: {
      when: new Date().toISOString().replace('T', ' ').slice(0, 16),
      registrations: seedSummary.registrations,
      lines: contextLines(machine, seedSummary),
    },
  });
  process.stdout.write(`\n${report.console}\n`);
  if (results) {
    if (!existsSync(results)) throw new Error(`${results} is missing`);
    appendFileSync(results, `\n${report.markdown}`);
    log(`appended to ${relative(ROOT, results)}`);
  }
}

async function measureFormats({ url, now, repeat, tmp, log, header }) {
  mkdirSync(tmp, { recursive: true });
  const templates = new Map(
    VARIANTS.map((v) => {
      const file = join(tmp, `formats-${v.name.replace(/\s+/g, '-').toLowerCase()}.xml`);
      writeFileSync(file, templateFor(v.formats));
      return [v.name, file];
    }),
  );
  const runs = new Map(VARIANTS.map((v) => [v.name, []]));
  for (let i = 1; i <= repeat; i++) {
    for (const variant of VARIANTS) {
      log(`formats ${i}/${repeat}: ${variant.name} (exportkit run, whole process)…`);
      const result = await timeCli({
        template: templates.get(variant.name),
        url,
        now,
        dataDir: join(tmp, 'data-formats'),
        timeFile: join(tmp, 'formats-time.txt'),
      });
      runs.get(variant.name).push(result);
      log(
        `  ${variant.name}: ${secs(result.ms)} s, ${int(result.rows)} rows, peak RSS ${int(result.maxRssKb / 1024)} MB`,
      );
    }
  }

  const csvMs = median(runs.get('CSV').map((r) => r.ms));
  const lines = VARIANTS.map((variant) => {
    const rs = runs.get(variant.name);
    const ms = median(rs.map((r) => r.ms));
    const rss = Math.max(...rs.map((r) => r.maxRssKb)) / 1024;
    const rows = rs.at(-1).rows;
    return { variant, ms, rss, rows, zip: rs.at(-1).zipBytes, list: rs.map((r) => secs(r.ms)).join(', ') };
  });
  const rows = lines[0].rows;
  const rowCounts = new Set(lines.map((l) => l.rows));
  const table = [
    '| export | median s | runs (s) | rows/s | vs. CSV | peak RSS | package |',
    '|---|---:|---|---:|---:|---:|---:|',
    ...lines.map(
      (l) =>
        `| ${l.variant.name === 'all six' ? 'all six formats, one export' : `${l.variant.name} alone`} | **${secs(l.ms)}** | ${l.list} | ${int(l.rows / (l.ms / 1000))} | **${(l.ms / csvMs).toFixed(2)}** | ${int(l.rss)} MB | ${l.zip ? mb(l.zip) : '?'} |`,
    ),
  ];
  const markdown = [
    `## ${header.when} UTC — ${int(header.registrations)} registrations, ${repeat} repetition${repeat > 1 ? 's' : ''}, scenario formats`,
    '',
    ...header.lines,
    `- Export: ${relative(ROOT, SOURCE_TEMPLATE)}'s 45 columns, every registration, \`now\` ${now} → ${int(rows)} rows, one \`fileExportAction\` per format (defaults: CSV with \`;\`, UTF-8), default package (zip). Each figure is a whole \`exportkit run\` process (Node start-up included) under \`/usr/bin/time\`; peak RSS is its maximum resident set; medians of ${repeat}, each repetition runs every line once, in order.`,
    '',
    ...table,
    '',
    `- Rows: ${rowCounts.size === 1 ? `every export wrote ${int(rows)} rows` : `the exports disagree: ${[...rowCounts].join(', ')}`}.`,
    '',
  ].join('\n');
  const consoleText = [
    `formats — ${int(header.registrations)} registrations, ${int(rows)} rows, medians of ${repeat} (whole CLI processes)`,
    ...lines.map(
      (l) =>
        `  ${l.variant.name.padEnd(8)} ${secs(l.ms).padStart(8)} s   ${(l.ms / csvMs).toFixed(2).padStart(5)}× CSV   peak RSS ${int(l.rss)} MB`,
    ),
  ].join('\n');
  return { markdown, console: consoleText };
}
