const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** Whether the database's text of a number can be written as a JSON number as it is. */
export function isJsonNumber(text: string): boolean {
  return JSON_NUMBER.test(text);
}
