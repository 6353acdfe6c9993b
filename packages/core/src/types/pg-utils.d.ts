declare module 'pg/lib/utils.js' {
  /** node-postgres's text form of a parameter value (arrays as PostgreSQL array literals, Dates as timestamps). */
  export function prepareValue(value: unknown): unknown;
  const utils: { prepareValue(value: unknown): unknown };
  export default utils;
}
