/**
 * What a column, relation or filter sees while the composer builds the query.
 * `use()` is the one way to reach another table: it marks the relation as needed
 * (joined once, in dependency order) and returns its SQL alias.
 */
export interface QueryScope {
  /** Marks relation `name` (with optional arguments, e.g. a custom field GUID) as needed; returns its alias. */
  use(name: string, args?: Readonly<Record<string, string>>): string;
  /** The resolved value of a parameter (its default when the template does not set it). */
  param<T = unknown>(name: string): T;
  /** The run's reference instant. */
  readonly now: Date;
  readonly exportGuid?: string;
}
