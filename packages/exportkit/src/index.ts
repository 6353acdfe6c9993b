export { buildProgram } from './program.js';
export { createProgressReporter } from './progress-reporter.js';
