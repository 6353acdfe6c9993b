import { Command } from 'commander';
import { collectPlugin, PLUGIN_OPTION } from '../options.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { columnsMarkdown, parametersMarkdown } from '@exportkit/core';
import { createEngine } from '../create-engine.js';

/** Regenerates docs/columns.md and docs/parameters.md from the registry (built-in plugins, and any given with --plugin). */
export function docsCommand(): Command {
  return new Command('docs')
    .description('Write the column and parameter catalogues (columns.md, parameters.md) from the registry')
    .option('--out <dir>', 'folder to write them to', 'docs')
    .option(...PLUGIN_OPTION, collectPlugin)
    .action(async (flags: { out: string; plugin?: string[] }) => {
      const description = await createEngine({ plugins: flags.plugin }).describe();
      await writeFile(join(flags.out, 'columns.md'), columnsMarkdown(description));
      await writeFile(join(flags.out, 'parameters.md'), parametersMarkdown(description));
      process.stdout.write(`wrote ${join(flags.out, 'columns.md')} and ${join(flags.out, 'parameters.md')}\n`);
    });
}
