import { Command } from 'commander';
import { ENGINE_VERSION } from '@exportkit/core';
import { runCommand } from './commands/run.js';
import { validateCommand } from './commands/validate.js';
import { columnsCommand } from './commands/columns.js';
import { dbCommand } from './commands/db.js';
import { quickstartCommand } from './commands/quickstart.js';
import { docsCommand } from './commands/docs.js';
import { convertCommand } from './commands/convert.js';
import { runsCommand } from './commands/runs.js';
import { sqlCommand } from './commands/sql.js';
import { schemaCommand } from './commands/schema.js';
import { workerCommand } from './commands/worker.js';
import { scheduleCommand } from './commands/schedule.js';
import { serveCommand } from './commands/serve.js';
import { tokenCommand } from './commands/token.js';

export function buildProgram(): Command {
  const program = new Command('exportkit')
    .description('Export learning-platform tracking data to files, from XML or YAML templates.')
    .version(ENGINE_VERSION)
    .exitOverride()
    .showHelpAfterError();
  for (const command of [
    runCommand(),
    runsCommand(),
    sqlCommand(),
    validateCommand(),
    columnsCommand(),
    dbCommand(),
    quickstartCommand(),
    docsCommand(),
    convertCommand(),
    schemaCommand(),
    workerCommand(),
    scheduleCommand(),
    serveCommand(),
    tokenCommand(),
  ]) {
    program.addCommand(command.exitOverride());
  }
  return program;
}
