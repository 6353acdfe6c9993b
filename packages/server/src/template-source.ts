import type { TemplateVersion } from './template-versions.js';

/** A template's text as its source holds it. */
export interface TemplateText {
  name: string;
  text: string;
  format: 'xml' | 'yaml';
  /**
   * The file name the template's model carries (problems and `export_runs` name it; relative
   * plugin paths are resolved from its folder): the file of the folder, or `<name>@v<version>.yaml`
   * for a stored version (relative to the working directory).
   */
  file: string;
  /** The stored version (database store); none for a file of the folder. */
  version?: number;
}

/**
 * Where a service's templates come from, by name: the templates folder (`serve --templates DIR`,
 * the default) or the database, versioned (`--template-store db`). Unknown names throw
 * UnknownTemplateError; names that are no plain file names InvalidTemplateNameError.
 */
export interface TemplateSource {
  /** What it is, for messages: `the templates folder <dir>` or `the database`. */
  readonly description: string;
  list(): Promise<string[]>;
  /** The latest text, or a stored version (a folder has none: asking one is refused). */
  read(name: string, version?: number): Promise<TemplateText>;
  /** Stores a text under a name (a new version in the database; the file replaced in a folder). */
  store(name: string, text: string, by: string): Promise<TemplateText>;
  remove(name: string, by: string): Promise<void>;
  /** Every version, oldest first; undefined when the source keeps no versions (a folder). */
  versions(name: string): Promise<TemplateVersion[] | undefined>;
}
