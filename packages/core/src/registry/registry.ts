import * as Tokens from '../di/tokens.js';
import type { ContributionContainer } from '../di/container.js';
import type { Column } from '../contributions/column.js';
import type { Parameter } from '../contributions/parameter.js';
import type { Provider } from '../contributions/provider.js';
import type { Relation } from '../contributions/relation.js';
import type { Writer } from '../contributions/writer.js';
import type { PipelineStep, StepPhase } from '../contributions/pipeline-step.js';
import { NameIndex } from './name-index.js';
import { ExportkitError } from '../errors/exportkit-error.js';
import { closest } from '../validation/suggest.js';
import { contributorLabel } from '../di/origin.js';

/**
 * A contribution that breaks the plugin contract: it names a provider, relation or parameter
 * that no plugin contributes. Raised when the registry is built (start-up), before any
 * template runs; the message names each contribution, its class and its package.
 */
export class InvalidContributionError extends ExportkitError {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }
}

/** Two contributions claiming one name (both classes and packages named); raised at start-up. */
export class DuplicateContributionError extends InvalidContributionError {}

/** Everything a provider owns, indexed by canonical name and alias. */
export interface ProviderEntry {
  provider: Provider;
  columns: NameIndex<Column>;
  parameters: NameIndex<Parameter>;
  relations: NameIndex<Relation>;
}

/** `unknown relation "lerner" of consolidatedTracking; did you mean "learner"?` */
function unknownName(kind: string, name: string, known: readonly string[], owner?: string): string {
  const near = closest(name, known);
  return `unknown ${kind} "${name}"${owner ? ` of ${owner}` : ''}${near ? `; did you mean "${near}"?` : `; known: ${known.join(', ') || 'none'}`}`;
}

/**
 * The single source of names: every column, parameter, provider, relation, writer and
 * pipeline step the loaded plugins contribute, collected once at start-up and checked there:
 * every name a contribution refers to exists, and no name is claimed twice.
 */
export class Registry {
  private readonly providers = new NameIndex<ProviderEntry>('provider');
  /** File formats, looked up ignoring case (`csv`, `Xlsx`). */
  readonly writers = new NameIndex<Writer>('format', { ignoreCase: true });
  readonly steps = new NameIndex<PipelineStep>('pipeline step');

  constructor(contributions: {
    providers: readonly Provider[];
    columns: readonly Column[];
    parameters: readonly Parameter[];
    relations: readonly Relation[];
    writers: readonly Writer[];
    steps: readonly PipelineStep[];
  }) {
    const duplicates: string[] = [];
    const unknown: string[] = [];
    const collect = (fn: () => void) => {
      try {
        fn();
      } catch (error) {
        duplicates.push((error as Error).message);
      }
    };
    /** `column acmeLogin (AcmeLoginColumn from @acme/pkg)` */
    const who = (kind: string, name: string, contribution: object) =>
      `${kind} ${name} (${contributorLabel(contribution)})`;
    for (const provider of contributions.providers) {
      const { name, element, aliases = [] } = provider.metadata;
      const entry: ProviderEntry = {
        provider,
        columns: new NameIndex(`column of ${name}`),
        parameters: new NameIndex(`parameter of ${name}`),
        relations: new NameIndex(`relation of ${name}`),
      };
      collect(() => this.providers.add(name, [element, ...aliases], entry, contributorLabel(provider)));
    }
    const entryFor = (
      kind: string,
      name: string,
      contribution: object,
      providerName: string,
    ): ProviderEntry | undefined => {
      const entry = this.providers.get(providerName);
      if (!entry)
        unknown.push(
          `${who(kind, name, contribution)}: ${unknownName('provider', providerName, this.providers.canonicalNames())}`,
        );
      return entry;
    };
    const owned: Array<{ entry: ProviderEntry; check: () => void }> = [];
    for (const column of contributions.columns) {
      const m = column.metadata;
      const entry = entryFor('column', m.name, column, m.provider);
      if (!entry) continue;
      collect(() => entry.columns.add(m.name, m.aliases ?? [], column, contributorLabel(column)));
      owned.push({
        entry,
        check: () => {
          for (const relation of m.relations ?? []) {
            if (!entry.relations.has(relation))
              unknown.push(
                `${who('column', m.name, column)}: ${unknownName('relation', relation, entry.relations.canonicalNames(), m.provider)}`,
              );
          }
          for (const parameter of m.parameters ?? []) {
            if (!entry.parameters.has(parameter))
              unknown.push(
                `${who('column', m.name, column)}: ${unknownName('parameter', parameter, entry.parameters.canonicalNames(), m.provider)}`,
              );
          }
        },
      });
    }
    for (const parameter of contributions.parameters) {
      const m = parameter.metadata;
      const entry = entryFor('parameter', m.name, parameter, m.provider);
      if (entry) collect(() => entry.parameters.add(m.name, m.aliases ?? [], parameter, contributorLabel(parameter)));
    }
    for (const relation of contributions.relations) {
      const m = relation.metadata;
      const entry = entryFor('relation', m.name, relation, m.provider);
      if (!entry) continue;
      collect(() => entry.relations.add(m.name, [], relation, contributorLabel(relation)));
      owned.push({
        entry,
        check: () => {
          for (const dependency of m.dependsOn ?? []) {
            if (!entry.relations.has(dependency))
              unknown.push(
                `${who('relation', m.name, relation)}: ${unknownName('relation', dependency, entry.relations.canonicalNames(), m.provider)}`,
              );
          }
        },
      });
    }
    // Names are checked once every contribution is indexed: order of contribution does not matter.
    for (const { check } of owned) check();
    for (const entry of this.providers.values()) {
      const m = entry.provider.metadata;
      for (const [role, parameter] of Object.entries(m.formatting ?? {})) {
        if (parameter !== undefined && !entry.parameters.has(parameter)) {
          unknown.push(
            `${who('provider', m.name, entry.provider)}: formatting role ${role} names ${unknownName('parameter', parameter, entry.parameters.canonicalNames(), m.name)}`,
          );
        }
      }
    }
    for (const writer of contributions.writers) {
      const m = writer.metadata;
      collect(() => this.writers.add(m.format, m.aliases ?? [], writer, contributorLabel(writer)));
    }
    for (const step of contributions.steps) {
      collect(() => this.steps.add(step.metadata.name, [], step, contributorLabel(step)));
    }
    if (unknown.length) throw new InvalidContributionError([...unknown, ...duplicates]);
    if (duplicates.length) throw new DuplicateContributionError(duplicates);
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

  /** The writer of a file format, by name or alias, ignoring case. */
  writer(format: string): Writer | undefined {
    return this.writers.get(format);
  }

  /** The pipeline steps of one phase, in their declared canonical order. */
  stepsOf<P extends StepPhase>(phase: P): Array<PipelineStep & { metadata: { phase: P } }> {
    return this.steps
      .values()
      .filter((s): s is PipelineStep & { metadata: { phase: P } } => s.metadata.phase === phase)
      .sort((a, b) => a.metadata.order - b.metadata.order);
  }
}
