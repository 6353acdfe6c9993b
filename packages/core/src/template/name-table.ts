/*
 * Names written in a template (elements, keys, options, attributes) are untrusted: on a plain
 * object `constructor`, `toString` or `hasOwnProperty` find Object.prototype's members and
 * `__proto__` replaces the prototype instead of being stored. Every record keyed by such a
 * name is made here, and every table indexed by one is read here, so no name means anything
 * but itself.
 */

/** A record without a prototype, for names read from a template. */
export function nameTable<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** `entries` as a record without a prototype (`__proto__` is stored like any other name). */
export function nameTableOf<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  const table = nameTable<T>();
  for (const [name, value] of entries) table[name] = value;
  return table;
}

/** The value `table` holds under `name` itself, never one inherited from Object.prototype. */
export function ownEntry<T>(table: Readonly<Record<string, T>> | undefined, name: string): T | undefined {
  return table !== undefined && Object.hasOwn(table, name) ? table[name] : undefined;
}

/** Whether `table` holds `name` itself. */
export function hasOwnName(table: Readonly<Record<string, unknown>>, name: string): boolean {
  return Object.hasOwn(table, name);
}
