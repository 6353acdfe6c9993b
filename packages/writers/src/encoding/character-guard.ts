import { unmappablePattern } from './repertoire.js';
import { UnmappableCharacterError } from './unmappable-error.js';
import type { FileEncoding, UnmappablePolicy } from '../options.js';

/** Replacement written for an unmappable character with `unmappable` = replace. */
export const REPLACEMENT_CHARACTER = '?';

/**
 * Checks text against the encoding before it is encoded: returns it unchanged when every
 * character fits, throws UnmappableCharacterError (policy error) or returns it with each
 * unmappable character (code point) replaced by `?` (policy replace).
 */
export class CharacterGuard {
  private readonly pattern: RegExp | undefined;
  private readonly replaceAll: RegExp | undefined;

  constructor(
    private readonly encoding: FileEncoding,
    private readonly policy: UnmappablePolicy,
  ) {
    this.pattern = unmappablePattern(encoding);
    this.replaceAll = this.pattern && new RegExp(this.pattern.source, 'gu');
  }

  /** True when the guard never changes anything (Unicode encodings). */
  get passThrough(): boolean {
    return this.pattern === undefined;
  }

  /** `row` is the 1-based data row, 0 for headers; `column` the column's header. */
  fit(text: string, row: number, column: string): string {
    const pattern = this.pattern;
    if (pattern === undefined) return text;
    const found = pattern.exec(text);
    if (found === null) return text;
    if (this.policy === 'error') throw new UnmappableCharacterError(row, column, found[0], this.encoding);
    return text.replace(this.replaceAll!, REPLACEMENT_CHARACTER);
  }
}
