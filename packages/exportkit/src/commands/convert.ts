import { Command, Option } from 'commander';
import { writeFile } from 'node:fs/promises';
import { readTemplate, toXml, toYaml, type ExportConfig } from '@exportkit/core';
import { createEngine } from '../create-engine.js';
import { UsageError } from '../usage-error.js';

/** Turns an XML template into YAML or back, naming the provider as each spelling does. */
export function convertCommand(): Command {
  return new Command('convert')
    .description('Convert a template between XML and YAML (to the other spelling by default)')
    .argument('<template>', 'template file (.xml, .yaml or .yml)')
    .addOption(new Option('--to <format>', 'target spelling').choices(['xml', 'yaml']))
    .option('--out <file>', 'write there instead of standard output')
    .action(async (template: string, flags: { to?: 'xml' | 'yaml'; out?: string }) => {
      const config = await readTemplate(template);
      const to = flags.to ?? (config.format === 'xml' ? 'yaml' : 'xml');
      const registry = await createEngine().registry();
      const renamed: ExportConfig = {
        ...config,
        exports: config.exports.map((definition) => {
          const entry = registry.provider(definition.provider.name);
          if (!entry) throw new UsageError(`${template}: unknown provider ${definition.provider.name}`);
          const { name, element } = entry.provider.metadata;
          return { ...definition, provider: { ...definition.provider, name: to === 'yaml' ? name : element } };
        }),
      };
      const text = to === 'yaml' ? toYaml(renamed) : toXml(renamed);
      if (flags.out) await writeFile(flags.out, text);
      else process.stdout.write(text);
    });
}
