import type { SqlFragment } from '../query/sql-fragment.js';

/**
 * What a column, relation or filter sees while the composer builds the query.
 * `use()` is the one way to reach another table: it marks the relation as needed
 * (joined once, in dependency order) and returns its SQL alias.
 */
export interface QueryScope {
  /** Marks relation `name` (with optional arguments, e.g. a custom field GUID) as needed; returns its alias. */
  use(name: string, args?: Readonly<Record<string, string>>): string;
  /**
   * A condition that keeps only the base rows the export will keep, for a relation that
   * aggregates per base row: `keptRows('t.registration_id')` gives
   * `t.registration_id IN (SELECT id FROM kept)`, `kept` being the base rows (their `id`) that
   * pass the filters declaring `narrows` (a superset of the exported rows), or `TRUE` when no
   * such filter applies. Put it in the aggregate's WHERE so that it aggregates only those rows
   * instead of every row of the table. A narrowing filter that builds on a relation calling it
   * cannot define the kept rows: it is applied to the outer query instead.
   */
  keptRows(key: string): SqlFragment;
  /** The resolved value of a parameter (its default when the template does not set it). */
  param<T = unknown>(name: string): T;
  /** The run's reference instant. */
  readonly now: Date;
  readonly exportGuid?: string;
}
