import { existsSync } from 'node:fs';
import { DataPaths, ExportkitError } from '@exportkit/core';

/** A template name that is not allowed, or names no file of the folder. */
export class UnknownTemplateError extends ExportkitError {}

/** What a template name may be: a file name without its extension, no path. */
export const TEMPLATE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const EXTENSIONS = ['.xml', '.yaml', '.yml'] as const;

/**
 * The folder of the templates a service runs, by name: `<name>.xml`, `.yaml` or `.yml`. A name is
 * a plain file name (no separator, no `..`) and the file is resolved through the data-path guard,
 * so no request reaches outside the folder (a symbolic link out of it included).
 */
export class TemplateFolder {
  private readonly paths: DataPaths;

  constructor(readonly dir: string) {
    this.paths = new DataPaths(dir);
  }

  /** The template file of a name; throws UnknownTemplateError naming what is allowed. */
  path(name: string): string {
    if (!TEMPLATE_NAME.test(name) || name.includes('..'))
      throw new UnknownTemplateError(
        `template "${name}": a template name is a file name of ${this.paths.root} without its extension ` +
          '(letters, digits, ".", "_" and "-"; at most 100)',
      );
    for (const extension of EXTENSIONS) {
      const path = this.paths.resolve(`${name}${extension}`, `template ${name}`);
      if (existsSync(path)) return path;
    }
    throw new UnknownTemplateError(
      `template "${name}": no ${EXTENSIONS.map((e) => name + e).join(', ')} in ${this.paths.root}`,
    );
  }
}
