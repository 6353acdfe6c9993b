import type { ParameterValueType } from './value-types.js';
import type { QueryScope } from './query-scope.js';
import type { SqlFragment } from '../query/sql-fragment.js';

export interface ParameterMetadata {
  provider: string;
  name: string;
  aliases?: readonly string[];
  /** filter: adds a WHERE condition; format: changes how values are written; option: changes the run. */
  kind: 'filter' | 'format' | 'option';
  valueType: ParameterValueType;
  description: string;
  /** The parsed value when the template does not set it. */
  default?: unknown;
  /** The text shown for the default in docs when it is not the value itself. */
  defaultText?: string;
  /**
   * When this yes/no parameter is yes, the export continues from its previous succeeded run
   * (delta mode): two runs of one export guid must not overlap (the engine takes a lock for the
   * run), and the engine records the run's delta mark (`export_runs.delta_mark`, taken from the
   * database just before the run's snapshot) that the parameter's SQL reads back next time.
   */
  incremental?: boolean;
  /**
   * This filter usually keeps a small part of the base rows (a time window, a delta, a group of
   * learners): it helps define the kept rows that the aggregates per base row are restricted to
   * (docs/architecture.md, "One query"). Leave it unset for filters that keep most rows: the
   * restriction would then cost more than the aggregates it saves.
   */
  narrows?: boolean;
}

/** A parameter of a provider. Filters contribute a WHERE fragment with bindings. */
export interface Parameter {
  readonly metadata: ParameterMetadata;
  /** Called for every filter of the provider with its resolved value (default included); undefined = no condition. */
  where?(value: unknown, scope: QueryScope): SqlFragment | undefined;
  /**
   * Cross-parameter checks, e.g. "timeFrames needs timeFramesScale"; returns messages
   * (a message starting with `warning: ` is a warning, not an error).
   */
  check?(
    value: unknown,
    all: ReadonlyMap<string, unknown>,
    given: ReadonlySet<string>,
    exportContext: ParameterCheckContext,
  ): string[];
}

/** What a parameter check may know of the export beyond its parameters. */
export interface ParameterCheckContext {
  exportGuid?: string;
}
