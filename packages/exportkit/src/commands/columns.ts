import { Command } from 'commander';
import { createEngine } from '../create-engine.js';
import { collectPlugin, PLUGIN_OPTION } from '../options.js';
import { UsageError } from '../usage-error.js';

export function columnsCommand(): Command {
  return new Command('columns')
    .description(
      "List each provider's columns and parameters, then the file formats and pipeline steps, from the registry",
    )
    .option('--provider <name>', 'only this provider')
    .option('--json', 'machine-readable output')
    .option(...PLUGIN_OPTION, collectPlugin)
    .action(async (flags: { provider?: string; json?: boolean; plugin?: string[] }) => {
      const engine = createEngine({ plugins: flags.plugin });
      const description = await engine.describe();
      const providers = description.providers.filter(
        (p) => !flags.provider || p.name === flags.provider || p.element === flags.provider,
      );
      if (flags.provider && providers.length === 0) {
        throw new UsageError(
          `unknown provider ${flags.provider}; known: ${description.providers.map((p) => p.name).join(', ')}`,
        );
      }
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(providers, null, 2)}\n`);
        return;
      }
      for (const provider of providers) {
        process.stdout.write(`${provider.name} (<${provider.element}>): ${provider.description}\n\nColumns:\n`);
        for (const c of provider.columns) {
          const aliases = c.aliases.length ? ` (${c.aliases.join(', ')})` : '';
          process.stdout.write(`  ${c.name}${aliases} [${c.type}]  ${c.description}\n`);
        }
        process.stdout.write('\nParameters:\n');
        for (const p of provider.parameters) {
          const aliases = p.aliases.length ? ` (${p.aliases.join(', ')})` : '';
          const def = p.default !== undefined ? `; default ${p.default}` : '';
          process.stdout.write(`  ${p.name}${aliases} [${p.kind}: ${p.type}${def}]  ${p.description}\n`);
        }
        process.stdout.write('\n');
      }
      if (flags.provider) return;
      // Formats and steps come from plugins too: a host sees its own here, beside the built-ins.
      process.stdout.write('File formats:\n');
      for (const f of description.formats) {
        const aliases = f.aliases.length ? ` (${f.aliases.join(', ')})` : '';
        const options = f.options.length ? `; options ${f.options.join(', ')}` : '';
        process.stdout.write(`  ${f.format}${aliases} [.${f.extension}${options}]  ${f.description}\n`);
      }
      process.stdout.write('\nPipeline steps:\n');
      for (const s of description.steps) {
        const options = s.options.length ? ` (options: ${s.options.join(', ')})` : '';
        process.stdout.write(`  ${s.name} [${s.phase}${s.delivers ? ', delivery' : ''}]  ${s.description}${options}\n`);
      }
    });
}
