// Loaded with `node --import` into a CLI process under test: at exit, writes the process's peak
// resident set size (kB) to the file named by EXPORTKIT_TEST_RSS_FILE, so a test can bound memory.
import { writeFileSync } from 'node:fs';

const target = process.env.EXPORTKIT_TEST_RSS_FILE;
if (target) process.on('exit', () => writeFileSync(target, String(process.resourceUsage().maxRSS)));
