// The command line as a library (kept out of the main entry, so embedding the engine loads no CLI code).
export { buildProgram } from './program.js';
export { createProgressReporter } from './progress-reporter.js';
