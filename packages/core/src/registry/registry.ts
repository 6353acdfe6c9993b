import * as Tokens from '../di/tokens.js';
import type { ContributionContainer } from '../di/container.js';
import type { Column } from '../contributions/column.js';
import type { Parameter } from '../contributions/parameter.js';
import type { Provider } from '../contributions/provider.js';
import type { Relation } from '../contributions/relation.js';
import type { Writer } from '../contributions/writer.js';
import type { PipelineStep } from '../contributions/pipeline-step.js';
import { NameIndex } from './name-index.js';
import { ExportkitError } from '../errors/exportkit-error.js';

/** Two contributions claiming one name; raised when the registry is built (start-up). */
export class DuplicateContributionError extends ExportkitError {}

/** Everything a provider owns, indexed by canonical name and alias. */
export interface ProviderEntry {
  provider: Provider;
  columns: NameIndex<Column>;
  parameters: NameIndex<Parameter>;
  relations: NameIndex<Relation>;
}

/**
 * The single source of names: every column, parameter, provider, relation, writer and
 * pipeline step the loaded plugins contribute, collected once at start-up.
 */
export class Registry {
  private readonly providers = new NameIndex<ProviderEntry>('provider');
  readonly writers = new NameIndex<Writer>('format');
  readonly steps = new NameIndex<PipelineStep>('pipeline step');

  constructor(contributions: {
    providers: readonly Provider[];
    columns: readonly Column[];
    parameters: readonly Parameter[];
    relations: readonly Relation[];
    writers: readonly Writer[];
    steps: readonly PipelineStep[];
  }) {
    const errors: string[] = [];
    const collect = (fn: () => void) => {
      try {
        fn();
      } catch (error) {
        errors.push((error as Error).message);
      }
    };
    for (const provider of contributions.providers) {
      const { name, element, aliases = [] } = provider.metadata;
      const entry: ProviderEntry = {
        provider,
        columns: new NameIndex(`column of ${name}`),
        parameters: new NameIndex(`parameter of ${name}`),
        relations: new NameIndex(`relation of ${name}`),
      };
      collect(() => this.providers.add(name, [element, ...aliases], entry, provider.constructor.name));
    }
    const entryFor = (kind: string, owner: string, providerName: string): ProviderEntry | undefined => {
      const entry = this.providers.get(providerName);
      if (!entry) errors.push(`${kind} ${owner} names provider "${providerName}", which no plugin contributes`);
      return entry;
    };
    for (const column of contributions.columns) {
      const m = column.metadata;
      const entry = entryFor('column', m.name, m.provider);
      if (entry) collect(() => entry.columns.add(m.name, m.aliases ?? [], column, column.constructor.name));
    }
    for (const parameter of contributions.parameters) {
      const m = parameter.metadata;
      const entry = entryFor('parameter', m.name, m.provider);
      if (entry) collect(() => entry.parameters.add(m.name, m.aliases ?? [], parameter, parameter.constructor.name));
    }
    for (const relation of contributions.relations) {
      const m = relation.metadata;
      const entry = entryFor('relation', m.name, m.provider);
      if (entry) collect(() => entry.relations.add(m.name, [], relation, relation.constructor.name));
    }
    for (const writer of contributions.writers) {
      const m = writer.metadata;
      collect(() => this.writers.add(m.format, m.aliases ?? [], writer, writer.constructor.name));
    }
    for (const step of contributions.steps) {
      collect(() => this.steps.add(step.metadata.name, [], step, step.constructor.name));
    }
    if (errors.length) throw new DuplicateContributionError(errors.join('\n'));
  }

  static fromContainer(container: ContributionContainer): Registry {
    return new Registry({
      providers: container.getAll<Provider>(Tokens.Provider),
      columns: container.getAll<Column>(Tokens.Column),
      parameters: container.getAll<Parameter>(Tokens.Parameter),
      relations: container.getAll<Relation>(Tokens.Relation),
      writers: container.getAll<Writer>(Tokens.Writer),
      steps: container.getAll<PipelineStep>(Tokens.PipelineStep),
    });
  }

  /** A provider by canonical name, XML element or alias. */
  provider(name: string): ProviderEntry | undefined {
    return this.providers.get(name);
  }

  providerNames(): string[] {
    return this.providers.canonicalNames();
  }

  providerEntries(): ProviderEntry[] {
    return this.providers.values();
  }

  /** Every name a provider answers to (for suggestions). */
  providerSpellings(): string[] {
    return this.providers.allNames();
  }
}
