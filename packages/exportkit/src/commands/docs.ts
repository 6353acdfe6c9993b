import { Command } from 'commander';
import { collectPlugin, PLUGIN_OPTION } from '../options.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { columnsMarkdown, parametersMarkdown, stepsMarkdown } from '@exportkit/core';
import { createEngine } from '../create-engine.js';

/** Regenerates docs/columns.md, docs/parameters.md and docs/steps.md from the registry (built-in plugins, and any given with --plugin). */
export function docsCommand(): Command {
  return new Command('docs')
    .description(
      'Write the column, parameter, format and step catalogues (columns.md, parameters.md, steps.md) from the registry',
    )
    .option('--out <dir>', 'folder to write them to', 'docs')
    .option(...PLUGIN_OPTION, collectPlugin)
    .action(async (flags: { out: string; plugin?: string[] }) => {
      const description = await createEngine({ plugins: flags.plugin }).describe();
      await writeFile(join(flags.out, 'columns.md'), columnsMarkdown(description));
      await writeFile(join(flags.out, 'parameters.md'), parametersMarkdown(description));
      await writeFile(join(flags.out, 'steps.md'), stepsMarkdown(description));
      process.stdout.write(
        `wrote ${['columns.md', 'parameters.md', 'steps.md'].map((f) => join(flags.out, f)).join(', ')}\n`,
      );
    });
}
