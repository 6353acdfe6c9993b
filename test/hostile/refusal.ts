/*
 * Runs the command line on a hostile input and checks that it is refused as a user deserves:
 * exit 2, the file and line named, a message, no stack trace, in bounded time and memory.
 * Time is bounded as CPU time (the work the refusal costs, which other processes on a busy
 * machine do not inflate) plus a generous wall-clock bound that catches a process that waits.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const cli = resolve('packages/exportkit/dist/main.js');
const usageHook = resolve('test/support/process-usage-hook.mjs');

/** The bounds every refusal keeps: under 2 s of CPU and 200 MB; the wall clock only catches waiting. */
export const REFUSAL_LIMITS = { cpuMilliseconds: 2000, wallMilliseconds: 20_000, megabytes: 200 } as const;

export interface CliOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall-clock time of the child process, start-up included. */
  milliseconds: number;
  /** CPU time (user + system) the child process used; NaN when it died before its exit hook. */
  cpuMilliseconds: number;
  peakMegabytes: number;
}

/** Runs `exportkit …args` in a child process; measures wall time, CPU time and peak RSS. */
export function runCli(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string | undefined> } = {},
): CliOutcome {
  const scratch = mkdtempSync(join(tmpdir(), 'exportkit-rss-'));
  const usageFile = join(scratch, 'usage.json');
  try {
    const started = performance.now();
    const result = spawnSync(process.execPath, ['--import', usageHook, cli, ...args], {
      encoding: 'utf8',
      cwd: options.cwd,
      env: { ...process.env, DATABASE_URL: undefined, ...options.env, EXPORTKIT_TEST_USAGE_FILE: usageFile },
      timeout: 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    const milliseconds = performance.now() - started;
    let usage = { peakKilobytes: Number.NaN, cpuMilliseconds: Number.NaN };
    try {
      usage = JSON.parse(readFileSync(usageFile, 'utf8')) as typeof usage;
    } catch {
      // the process died before its exit hook: leave NaN, which fails the bounds below
    }
    return {
      code: result.status,
      stdout: result.stdout,
      stderr: result.stderr,
      milliseconds,
      cpuMilliseconds: usage.cpuMilliseconds,
      peakMegabytes: usage.peakKilobytes / 1024,
    };
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
  expectBoundedTime(outcome);
  expect(outcome.peakMegabytes, 'refused in bounded memory').to.be.below(REFUSAL_LIMITS.megabytes);
}

/** Under REFUSAL_LIMITS' CPU time, and done well within its wall-clock bound. */
export function expectBoundedTime(outcome: CliOutcome): void {
  expect(outcome.cpuMilliseconds, 'bounded CPU time').to.be.below(REFUSAL_LIMITS.cpuMilliseconds);
  expect(outcome.milliseconds, 'did not wait').to.be.below(REFUSAL_LIMITS.wallMilliseconds);
}
