/** Characters of a value quoted in a message: a refused value may be megabytes long. */
const SHOWN = 40;

/** A value as a message shows it: JSON-quoted, cut to 40 characters (code points) with an ellipsis. */
export function quoted(text: string): string {
  const chars = [...text.slice(0, 2 * SHOWN + 2)];
  return JSON.stringify(chars.length > SHOWN ? `${chars.slice(0, SHOWN).join('')}…` : text);
}
