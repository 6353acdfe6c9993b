// One exportkit run through the engine API, in its own process so that its peak RSS is the
// export's own. Run by bench/run.js:
//
//   node bench/export-child.js <template> --db URL --data-dir DIR --now ISO
//        [--runs K] [--split] [--sql-out FILE]
//
// Prints one JSON line on stdout:
//   runMs      the first engine.run() (plugins loaded and database connected inside it, unless --split)
//   warmMs     with --runs K: the K - 1 next engine.run() of the same engine, as a host keeping it would
//   splitMs    with --split: { registry, connect } done before the first run (then not in runMs)
//   marks      monotonic microseconds (V8 CPU profiles' clock) of each phase, to cut a profile
//   rows, files, timings (the engine's phases), maxRssKb (this process's peak RSS), totalMs
// --sql-out FILE writes the statements the engine sent (with their bindings) to FILE (for EXPLAIN).
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const started = performance.now();
const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  args.splice(i, 2);
  return value;
};
const bool = (name) => {
  const i = args.indexOf(name);
  if (i >= 0) args.splice(i, 1);
  return i >= 0;
};
const db = flag('--db');
const dataDir = flag('--data-dir');
const now = flag('--now');
const sqlOut = flag('--sql-out');
const runs = Number(flag('--runs') ?? 1);
const split = bool('--split');
const template = args[0];
if (!db || !dataDir || !now || !template) {
  process.stderr.write(
    'usage: node bench/export-child.js <template> --db URL --data-dir DIR --now ISO [--runs K] [--split] [--sql-out FILE]\n',
  );
  process.exit(2);
}

const us = () => Number(process.hrtime.bigint() / 1000n);
const marks = { start: us() };
const { createEngine } = await import('exportkit');
marks.imported = us();
const engine = createEngine({ databaseUrl: db, dataDir, now: new Date(now) });
try {
  const splitMs = {};
  if (split) {
    let t = performance.now();
    await engine.registry();
    splitMs.registry = performance.now() - t;
    marks.registry = us();
    t = performance.now();
    await engine.database();
    splitMs.connect = performance.now() - t;
    marks.connect = us();
  }
  const statements = [];
  if (sqlOut) (await engine.database()).on('query', (q) => statements.push({ sql: q.sql, bindings: q.bindings ?? [] }));

  marks.runStart = us();
  const t0 = performance.now();
  const result = await engine.run(template);
  const runMs = performance.now() - t0;
  marks.runEnd = us();
  const [exp] = result.exports;

  const warmMs = [];
  for (let i = 1; i < runs; i++) {
    const t = performance.now();
    await engine.run(template);
    warmMs.push(performance.now() - t);
  }
  marks.end = us();
  if (sqlOut) writeFileSync(sqlOut, JSON.stringify(statements, null, 2));
  const out = {
    runMs,
    warmMs,
    splitMs,
    marks,
    rows: exp.rows,
    files: exp.files,
    timings: exp.timings,
    maxRssKb: process.resourceUsage().maxRSS,
    totalMs: performance.now() - started,
  };
  await engine.close();
  process.stdout.write(`${JSON.stringify(out)}\n`);
} catch (error) {
  await engine.close().catch(() => undefined);
  process.stderr.write(`export failed: ${error?.stack ?? error}\n`);
  process.exit(1);
}
