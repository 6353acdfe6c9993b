/*
 * The bounds every template value is held to (docs/templates.md, "Bounds"). A value type may
 * declare a tighter bound; these apply where it declares none, so no value is unbounded. Each
 * bound is inclusive and sits below what PostgreSQL, the writers or a file system would refuse
 * later with a raw error.
 */
export const BOUNDS = Object.freeze({
  /** Characters of a text parameter, step option or column attribute that declares no bound. */
  text: 1_000,
  /** Characters of a column label (the header). */
  label: 1_000,
  /** Characters of a column's element text that declares no bound (e.g. constantValue). */
  columnValue: 10_000,
  /** Characters of one template of the templates parameter. */
  templateText: 10_000,
  /** Items of a list, entries of a map or templates. */
  items: 1_000,
  /** Columns of one export: below PostgreSQL's 1,664 entries of a select list, with room to spare. */
  columns: 1_000,
  /** Integers that declare no range: PostgreSQL's int4. */
  intMin: -2_147_483_648,
  intMax: 2_147_483_647,
  /** Ids: within PostgreSQL's bigint and exact in a JavaScript number (2^53 − 1). */
  idMax: Number.MAX_SAFE_INTEGER,
  /** Characters of an export's name and guid. */
  exportName: 100,
  /** Characters of a file name pattern. */
  fileNamePattern: 200,
});
