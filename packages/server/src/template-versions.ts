import type { Knex } from 'knex';
import { detectTemplateFormat } from '@exportkit/core';
import { InvalidTemplateNameError, TEMPLATE_NAME, UnknownTemplateError } from './template-folder.js';
import { migrateServerTables, TEMPLATE_VERSIONS } from './server-tables.js';
import type { TemplateSource, TemplateText } from './template-source.js';

/** One stored version of a template (a deletion is a version too). */
export interface TemplateVersion {
  name: string;
  version: number;
  /** Who stored it (the API token's name). */
  createdBy: string;
  createdAt: Date;
  /** True for the version that deleted the template. */
  deleted: boolean;
  format?: 'xml' | 'yaml';
}

/** A stored version with its text. */
export interface StoredTemplate extends TemplateVersion, TemplateText {
  format: 'xml' | 'yaml';
  version: number;
}

interface Row {
  name: string;
  version: number;
  format: 'xml' | 'yaml' | null;
  body: string | null;
  created_by: string;
  created_at: Date | string;
  deleted: boolean;
}

/** Times a store is tried again when another one took the same version number. */
const VERSION_RACE_RETRIES = 5;

/**
 * Templates stored in the database, versioned: every store is a new version (who, when, text,
 * format) and nothing is overwritten; a deletion is a version without text, after which the name
 * is free again (the next store continues the numbering). Older versions stay readable.
 */
export class TemplateVersions implements TemplateSource {
  readonly description = 'the database';
  private migrated: Promise<void> | undefined;

  constructor(private readonly knex: Knex) {}

  list(): Promise<string[]> {
    return this.names();
  }

  async remove(name: string, by: string): Promise<void> {
    await this.delete(name, by);
  }

  private ready(): Promise<void> {
    this.migrated ??= migrateServerTables(this.knex);
    this.migrated.catch(() => (this.migrated = undefined));
    return this.migrated;
  }

  /** Stores a new version of a template's text; returns it (its number is the latest's + 1). */
  async store(name: string, text: string, createdBy: string): Promise<StoredTemplate> {
    checkName(name);
    const format = detectTemplateFormat(`${name}.txt`, text) === 'xml' ? 'xml' : 'yaml';
    return this.insert(name, { format, body: text, created_by: createdBy, deleted: false }).then(storedTemplate);
  }

  /** Deletes a template (a version marking it deleted); UnknownTemplateError when there is none. */
  async delete(name: string, deletedBy: string): Promise<TemplateVersion> {
    await this.latest(name);
    return versionOf(await this.insert(name, { format: null, body: null, created_by: deletedBy, deleted: true }));
  }

  /** The latest version, or the given one; UnknownTemplateError for none, a deleted template or a deletion. */
  async read(name: string, version?: number): Promise<StoredTemplate> {
    if (version === undefined) return this.latest(name);
    checkName(name);
    await this.ready();
    const row = (await this.knex(TEMPLATE_VERSIONS).where({ name, version }).first()) as Row | undefined;
    if (!row) throw new UnknownTemplateError(`template "${name}" has no version ${version}`);
    if (row.deleted) throw new UnknownTemplateError(`template "${name}": version ${version} is its deletion`);
    return storedTemplate(row);
  }

  /** Every version of a template, oldest first (deletions included); empty for a name never stored. */
  async versions(name: string): Promise<TemplateVersion[]> {
    checkName(name);
    await this.ready();
    const rows = (await this.knex(TEMPLATE_VERSIONS)
      .where({ name })
      .orderBy('version')
      .select('name', 'version', 'format', 'created_by', 'created_at', 'deleted')) as Row[];
    return rows.map(versionOf);
  }

  /** The names of the templates whose latest version is not a deletion, sorted. */
  async names(): Promise<string[]> {
    await this.ready();
    const rows = (await this.knex(TEMPLATE_VERSIONS)
      .distinctOn('name')
      .orderBy([{ column: 'name' }, { column: 'version', order: 'desc' }])
      .select('name', 'deleted')) as Array<Pick<Row, 'name' | 'deleted'>>;
    return rows.filter((row) => !row.deleted).map((row) => row.name);
  }

  private async latest(name: string): Promise<StoredTemplate> {
    checkName(name);
    await this.ready();
    const row = (await this.knex(TEMPLATE_VERSIONS).where({ name }).orderBy('version', 'desc').first()) as
      Row | undefined;
    if (!row) throw new UnknownTemplateError(`template "${name}": none is stored`);
    if (row.deleted) throw new UnknownTemplateError(`template "${name}" was deleted (version ${row.version})`);
    return storedTemplate(row);
  }

  /** Inserts the next version; two stores of one name at once: the one that lost the number tries again. */
  private async insert(name: string, values: Omit<Row, 'name' | 'version' | 'created_at'>): Promise<Row> {
    await this.ready();
    for (let attempt = 0; ; attempt++) {
      try {
        const next = this.knex(TEMPLATE_VERSIONS)
          .where({ name })
          .select(this.knex.raw('coalesce(max(version), 0) + 1'));
        const [row] = (await this.knex(TEMPLATE_VERSIONS)
          .insert({ name, version: next, ...values })
          .returning('*')) as Row[];
        return row!;
      } catch (error) {
        if ((error as { code?: string }).code !== '23505' || attempt >= VERSION_RACE_RETRIES) throw error;
      }
    }
  }
}

function checkName(name: string): void {
  if (!TEMPLATE_NAME.test(name) || name.includes('..'))
    throw new InvalidTemplateNameError(
      `template "${name}": a template name is letters, digits, ".", "_" and "-" (at most 100, no "..")`,
    );
}

function versionOf(row: Row): TemplateVersion {
  const version: TemplateVersion = {
    name: row.name,
    version: row.version,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at),
    deleted: row.deleted,
  };
  if (row.format) version.format = row.format;
  return version;
}

function storedTemplate(row: Row): StoredTemplate {
  const format = row.format!;
  return { ...versionOf(row), format, text: row.body!, file: `${row.name}@v${row.version}.${format}` };
}
