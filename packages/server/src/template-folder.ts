import { existsSync, readdirSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { DataPaths, detectTemplateFormat, ExportkitError } from '@exportkit/core';
import type { TemplateSource, TemplateText } from './template-source.js';

/** A template name that is not allowed, or names no file of the folder. */
export class UnknownTemplateError extends ExportkitError {}

/** Versions asked of a source that keeps none (the templates folder). */
export class TemplateVersionsUnavailableError extends ExportkitError {}

/** A template name that is not a plain file name. */
export class InvalidTemplateNameError extends ExportkitError {
  override readonly exitCode = 2;
}

/** What a template name may be: a file name without its extension, no path. */
export const TEMPLATE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const EXTENSIONS = ['.xml', '.yaml', '.yml'] as const;

/**
 * The folder of the templates a service runs, by name: `<name>.xml`, `.yaml` or `.yml`. A name is
 * a plain file name (no separator, no `..`) and the file is resolved through the data-path guard,
 * so no request reaches outside the folder (a symbolic link out of it included).
 */
export class TemplateFolder implements TemplateSource {
  private readonly paths: DataPaths;

  constructor(readonly dir: string) {
    this.paths = new DataPaths(dir);
  }

  get description(): string {
    return `the templates folder ${this.paths.root}`;
  }

  /** The template file of a name; throws UnknownTemplateError naming what is allowed. */
  path(name: string): string {
    this.checkName(name);
    for (const extension of EXTENSIONS) {
      const path = this.paths.resolve(`${name}${extension}`, `template ${name}`);
      if (existsSync(path)) return path;
    }
    throw new UnknownTemplateError(
      `template "${name}": no ${EXTENSIONS.map((e) => name + e).join(', ')} in ${this.paths.root}`,
    );
  }

  /** The names of the folder's templates, sorted. */
  names(): string[] {
    if (!existsSync(this.paths.root)) return [];
    const names = readdirSync(this.paths.root)
      .map((file) => /^(.+)\.(xml|ya?ml)$/.exec(file)?.[1])
      .filter((name): name is string => name !== undefined && TEMPLATE_NAME.test(name));
    return [...new Set(names)].sort();
  }

  async list(): Promise<string[]> {
    return this.names();
  }

  async read(name: string, version?: number): Promise<TemplateText> {
    if (version !== undefined)
      throw new TemplateVersionsUnavailableError(
        `template "${name}": ${this.description} keeps no versions (serve --template-store db keeps them)`,
      );
    const path = this.path(name);
    return { name, text: await readFile(path, 'utf8'), format: path.endsWith('.xml') ? 'xml' : 'yaml', file: path };
  }

  async store(name: string, text: string): Promise<TemplateText> {
    const path = await this.write(name, text);
    return { name, text, format: path.endsWith('.xml') ? 'xml' : 'yaml', file: path };
  }

  async versions(): Promise<undefined> {
    return undefined;
  }

  /** Stores a template's text under its name (`.xml` or `.yaml`, from the text), replacing any. */
  async write(name: string, text: string): Promise<string> {
    this.checkName(name);
    const extension = detectTemplateFormat(`${name}.txt`, text) === 'xml' ? '.xml' : '.yaml';
    const path = this.paths.resolve(`${name}${extension}`, `template ${name}`);
    const temporary = this.paths.resolve(`.${name}.${randomBytes(4).toString('hex')}.tmp`, `template ${name}`);
    await writeFile(temporary, text, { flag: 'wx' });
    await rename(temporary, path);
    for (const other of EXTENSIONS.filter((e) => e !== extension))
      await rm(this.paths.resolve(`${name}${other}`, `template ${name}`), { force: true });
    return path;
  }

  /** Removes a template (throws UnknownTemplateError when there is none). */
  async remove(name: string): Promise<void> {
    await rm(this.path(name));
  }

  private checkName(name: string): void {
    if (!TEMPLATE_NAME.test(name) || name.includes('..'))
      throw new InvalidTemplateNameError(
        `template "${name}": a template name is a file name of ${this.paths.root} without its extension ` +
          '(letters, digits, ".", "_" and "-"; at most 100)',
      );
  }
}
