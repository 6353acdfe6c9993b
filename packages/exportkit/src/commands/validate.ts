import { Command } from 'commander';
import { formatIssue, TemplateError } from '@exportkit/core';
import { createEngine } from '../create-engine.js';
import { collectPlugin, PLUGIN_OPTION } from '../options.js';

export function validateCommand(): Command {
  return new Command('validate')
    .description('Check a template against the loaded plugins without running it (exit 2 on errors)')
    .argument('<template>', 'template file (.xml, .yaml or .yml)')
    .option(
      '--db <url>',
      'also check what needs the data: custom field GUIDs exist, the database knows the time zone, each statement PREPAREs',
    )
    .option(...PLUGIN_OPTION, collectPlugin)
    .action(async (template: string, flags: { db?: string; plugin?: string[] }) => {
      const engine = createEngine({ databaseUrl: flags.db, plugins: flags.plugin });
      try {
        const issues = await engine.validate(template);
        const errors = issues.filter((i) => i.severity !== 'warning');
        for (const warning of issues.filter((i) => i.severity === 'warning'))
          process.stderr.write(`${formatIssue(warning)}\n`);
        if (errors.length) throw new TemplateError(errors);
        process.stdout.write(`${template}: valid\n`);
      } finally {
        await engine.close();
      }
    });
}
