// Loaded with `node --import` into a CLI process under test: at exit, writes the process's peak
// resident set size (kB) to the file named by EXPORTKIT_TEST_RSS_FILE, so a test can bound memory.
//
// On Linux the peak is VmHWM from /proc/self/status: getrusage's maxRSS (process.resourceUsage)
// survives exec, so a child spawned by a large test process would report the parent's size.
import { readFileSync, writeFileSync } from 'node:fs';

function peakKilobytes() {
  try {
    const match = /^VmHWM:\s*(\d+)\s*kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]);
  } catch {
    // no /proc: fall back to getrusage below
  }
  return process.resourceUsage().maxRSS;
}

const target = process.env.EXPORTKIT_TEST_RSS_FILE;
if (target) process.on('exit', () => writeFileSync(target, String(peakKilobytes())));
