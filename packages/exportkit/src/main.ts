#!/usr/bin/env node
import 'reflect-metadata';
import { buildProgram } from './program.js';
import { exitCodeOf, reportError } from './errors.js';

const program = buildProgram();
try {
  await program.parseAsync(process.argv);
} catch (error) {
  reportError(error);
  process.exitCode = exitCodeOf(error);
}
