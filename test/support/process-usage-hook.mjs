// Loaded with `node --import` into a CLI process under test: at exit, writes the process's peak
// resident set size (kB) and the CPU time it used (ms, user + system) as JSON to the file named by
// EXPORTKIT_TEST_USAGE_FILE, so a test can bound memory and work whatever else the machine runs.
// On Linux the peak is VmHWM of /proc/self/status: getrusage's maxRSS survives fork and exec, so
// it would report the test runner's own peak when that is higher.
import { readFileSync, writeFileSync } from 'node:fs';

function peakKilobytes() {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]);
  } catch {
    // not Linux: fall back to getrusage
  }
  return process.resourceUsage().maxRSS;
}

function cpuMilliseconds() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

const target = process.env.EXPORTKIT_TEST_USAGE_FILE;
if (target) {
  process.on('exit', () =>
    writeFileSync(target, JSON.stringify({ peakKilobytes: peakKilobytes(), cpuMilliseconds: cpuMilliseconds() })),
  );
}
