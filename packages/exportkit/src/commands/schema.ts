import { Command } from 'commander';
import { templateJsonSchema } from '@exportkit/core';
import { createEngine } from '../create-engine.js';
import { collectPlugin, PLUGIN_OPTION } from '../options.js';

/** Prints the JSON Schema of YAML templates, generated from the registry (built-in plugins and any --plugin). */
export function schemaCommand(): Command {
  return new Command('schema')
    .description('Print the JSON Schema of YAML templates (for editors), from the registry')
    .option(...PLUGIN_OPTION, collectPlugin)
    .action(async (flags: { plugin?: string[] }) => {
      const registry = await createEngine({ plugins: flags.plugin }).registry();
      process.stdout.write(`${JSON.stringify(templateJsonSchema(registry), null, 2)}\n`);
    });
}
