// Summarises a V8 .cpuprofile (node --cpu-prof): self time by function and by area (package).
//
//   node bench/profile-summary.js <file.cpuprofile> [--top 25]
//
// Used by `npm run bench -- --profile`; see docs/benchmarks.md.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** Which part of the program a script URL belongs to. */
export function areaOf(url, functionName) {
  if (!url) {
    if (functionName === '(garbage collector)') return 'garbage collector';
    if (functionName === '(idle)') return 'idle (waiting: database, disk)';
    if (functionName === '(program)') return 'V8/native (program)';
    return functionName || 'native';
  }
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    const name = rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
    // Workspace packages are linked into node_modules: name them by their folder instead.
    return name.startsWith('@exportkit/') ? name : `npm:${name}`;
  }
  const m = /\/(packages|plugins)\/([^/]+)\//.exec(url);
  if (m) return m[1] === 'packages' ? `@exportkit/${m[2]}` : `plugin:${m[2]}`;
  if (url.includes('/bench/')) return 'bench';
  return url;
}

function shortUrl(url) {
  if (!url) return '';
  if (url.startsWith('node:')) return url;
  const i = url.search(/\/(node_modules|packages|plugins|bench)\//);
  return i >= 0 ? url.slice(i + 1) : url.replace(/^file:\/\//, '');
}

/**
 * Self time (ms) per function and per area, and the profile's total. `window` ({ fromUs, toUs },
 * monotonic microseconds like `process.hrtime.bigint() / 1000n`) keeps only the samples inside it.
 */
export function summariseProfile(profile, window) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  const { samples, timeDeltas } = profile;
  let at = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    at += timeDeltas[i];
    if (window && (at < window.fromUs || at > window.toUs)) continue;
    // timeDeltas[i] is the time elapsed before sample i; attribute the interval after a sample to it.
    const dt = timeDeltas[i + 1] ?? 0;
    selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + dt);
  }
  const functions = new Map();
  const areas = new Map();
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName || '(anonymous)';
    const key = url ? `${name}  ${shortUrl(url)}:${lineNumber + 1}` : name;
    const area = areaOf(url, functionName);
    functions.set(key, { ms: (functions.get(key)?.ms ?? 0) + us / 1000, area });
    areas.set(area, (areas.get(area) ?? 0) + us / 1000);
    totalUs += us;
  }
  const sort = (entries) => [...entries].sort((a, b) => b[1] - a[1]);
  return {
    totalMs: totalUs / 1000,
    functions: [...functions.entries()]
      .map(([key, v]) => ({ key, ms: v.ms, area: v.area }))
      .sort((a, b) => b.ms - a.ms),
    areas: sort(areas.entries()).map(([area, ms]) => ({ area, ms })),
  };
}

export function formatSummary(summary, top = 25, title = 'profile') {
  const pct = (ms) => `${((100 * ms) / summary.totalMs).toFixed(1).padStart(5)}%`;
  const sec = (ms) => `${(ms / 1000).toFixed(2).padStart(7)} s`;
  const lines = [`${title}: ${(summary.totalMs / 1000).toFixed(2)} s sampled`, '', 'self time by area:'];
  for (const { area, ms } of summary.areas.slice(0, 15)) lines.push(`  ${sec(ms)} ${pct(ms)}  ${area}`);
  lines.push('', `top ${top} functions by self time:`);
  for (const { key, ms } of summary.functions.slice(0, top)) lines.push(`  ${sec(ms)} ${pct(ms)}  ${key}`);
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: node bench/profile-summary.js <file.cpuprofile> [--top N]\n');
    process.exit(2);
  }
  const topIndex = process.argv.indexOf('--top');
  const top = topIndex > 0 ? Number(process.argv[topIndex + 1]) : 25;
  process.stdout.write(`${formatSummary(summariseProfile(JSON.parse(readFileSync(file, 'utf8'))), top)}\n`);
}
