/*
 * Runs the command line on a hostile input and checks that it is refused as a user deserves:
 * exit 2, the file and line named, a message, no stack trace, in bounded time and memory.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const cli = resolve('packages/exportkit/dist/main.js');
const rssHook = resolve('test/support/peak-rss-hook.mjs');

/** The bounds every refusal keeps (issue: under 2 s and 200 MB). */
export const REFUSAL_LIMITS = { milliseconds: 2000, megabytes: 200 } as const;

export interface CliOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
  milliseconds: number;
  peakMegabytes: number;
}

/** Runs `exportkit …args` in a child process; measures wall time and peak RSS. */
export function runCli(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string | undefined> } = {},
): CliOutcome {
  const scratch = mkdtempSync(join(tmpdir(), 'exportkit-rss-'));
  const rssFile = join(scratch, 'rss');
  try {
    const started = performance.now();
    const result = spawnSync(process.execPath, ['--import', rssHook, cli, ...args], {
      encoding: 'utf8',
      cwd: options.cwd,
      env: { ...process.env, DATABASE_URL: undefined, ...options.env, EXPORTKIT_TEST_RSS_FILE: rssFile },
      timeout: 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    const milliseconds = performance.now() - started;
    let peakMegabytes = Number.NaN;
    try {
      peakMegabytes = Number(readFileSync(rssFile, 'utf8')) / 1024;
    } catch {
      // the process died before its exit hook: leave NaN, which fails the bound below
    }
    return { code: result.status, stdout: result.stdout, stderr: result.stderr, milliseconds, peakMegabytes };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export interface ExpectedRefusal {
  /** The template file the message must name. */
  file: string;
  /** The line the message must name (`file:line`), when the problem has one. */
  line?: number;
  /** What the message must say. */
  message: RegExp;
}

/** Exit 2, `file:line` and the message on stderr, no stack trace, within REFUSAL_LIMITS. */
export function expectCleanRefusal(outcome: CliOutcome, expected: ExpectedRefusal): void {
  const context = `stderr: ${outcome.stderr.slice(0, 2000)}`;
  expect(outcome.code, context).to.equal(2);
  expect(outcome.stderr, context).to.contain(
    expected.line === undefined ? expected.file : `${expected.file}:${expected.line}`,
  );
  expect(outcome.stderr, context).to.match(expected.message);
  expect(outcome.stderr, 'no stack trace').not.to.match(/\n\s+at .+[(:]\d+/);
  expect(outcome.milliseconds, 'refused in bounded time').to.be.below(REFUSAL_LIMITS.milliseconds);
  expect(outcome.peakMegabytes, 'refused in bounded memory').to.be.below(REFUSAL_LIMITS.megabytes);
}
