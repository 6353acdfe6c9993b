import { BOUNDS } from '../contributions/bounds.js';
import { longerThan } from '../parameters/parse-value.js';
import { quoted } from '../parameters/quote-value.js';

/*
 * An export's name and guid become file and package names (%n, %g, the default name) and the
 * key of its runs, so both are held to what every file system accepts: letters, digits, space,
 * `_`, `-` and `.`, starting with a letter or digit, without `..`, at most BOUNDS.exportName
 * characters.
 */
const EXPORT_NAME = /^[\p{L}\p{N}][\p{L}\p{M}\p{N} _.-]*$/u;

export const ALLOWED_EXPORT_NAMES_TEXT = `letters, digits, space, _, - and ., starting with a letter or digit, without "..", at most ${BOUNDS.exportName} characters`;

/** Why `text` cannot be an export's name or guid, or undefined when it can. */
export function exportNameProblem(text: string): string | undefined {
  if (longerThan(text, BOUNDS.exportName) || !EXPORT_NAME.test(text) || text.includes('..')) {
    return `${quoted(text)} is not allowed; allowed: ${ALLOWED_EXPORT_NAMES_TEXT}`;
  }
  return undefined;
}
