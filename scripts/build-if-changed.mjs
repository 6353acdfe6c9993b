// Runs `tsc -b` unless nothing it reads has changed since the last build that this script ran.
//
//   node scripts/build-if-changed.mjs      (or buildIfChanged(), what scripts/start.mjs calls before the quickstart)
//
// `tsc -b` with nothing to do still costs ~0.4 s (loading TypeScript, reading every build info):
// the most of a second `npm start`. This check costs a directory walk. Whenever it cannot tell,
// it builds: the stamp is missing or unreadable (a fresh `npm ci` removes node_modules/.cache),
// an output it recorded is gone, or a file or folder of a project that tsconfig.json references
// (sources, tsconfig files, package.json) or a root tsconfig*.json / package.json is newer than
// the moment the last build started. tsc -b then decides what to compile, as always.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const STAMP = join(ROOT, 'node_modules', '.cache', 'exportkit-build-stamp.json');
const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', '.git']);

/** The newest modification time under `dir` (folders included: a deleted or renamed file changes its folder). */
function newestUnder(dir) {
  let newest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory() ? SKIPPED_FOLDERS.has(entry.name) : entry.name.endsWith('.tsbuildinfo')) continue; // outputs, not inputs
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestUnder(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Every project folder of the build, from tsconfig.json's references. */
function projectFolders() {
  const config = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8'));
  return (config.references ?? []).map((reference) => resolve(ROOT, reference.path));
}

/** The root files tsc -b and npm read: tsconfig*.json and package.json. */
function rootInputs() {
  return readdirSync(ROOT)
    .filter((name) => /^tsconfig.*\.json$/.test(name) || name === 'package.json')
    .map((name) => join(ROOT, name));
}

/** Build infos and dist folders: what a build leaves behind, checked to still be there. */
function outputsOf(folders) {
  const outputs = [];
  for (const folder of folders) {
    for (const name of readdirSync(folder))
      if (name.endsWith('.tsbuildinfo') || name === 'dist') outputs.push(join(folder, name));
    const distInfo = join(folder, 'dist', 'tsconfig.tsbuildinfo');
    if (existsSync(distInfo)) outputs.push(distInfo);
  }
  return outputs;
}

function upToDate() {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(STAMP, 'utf8'));
  } catch {
    return false;
  }
  if (!Array.isArray(stamp.outputs) || stamp.outputs.length === 0 || !stamp.outputs.every((path) => existsSync(path)))
    return false;
  const newest = Math.max(...projectFolders().map(newestUnder), ...rootInputs().map((path) => statSync(path).mtimeMs));
  return newest < stamp.startedMs;
}

/** Builds with `tsc -b` unless up to date; exits the process with tsc's status when the build fails. */
export function buildIfChanged() {
  let fresh;
  try {
    fresh = upToDate();
  } catch {
    fresh = false; // anything unexpected: let tsc decide
  }
  if (fresh) return;
  const startedMs = Date.now();
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-b'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  mkdirSync(dirname(STAMP), { recursive: true });
  writeFileSync(STAMP, JSON.stringify({ startedMs, outputs: outputsOf(projectFolders()) }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) buildIfChanged();
