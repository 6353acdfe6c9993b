import { ExportkitError } from '@exportkit/core';

/** A character that the file's 8-bit encoding cannot hold, with `unmappable` = error. */
export class UnmappableCharacterError extends ExportkitError {
  constructor(
    /** 1-based data row; 0 for the header row (or the JSON keys / XML element names). */
    readonly row: number,
    /** Header of the column holding the character. */
    readonly column: string,
    readonly character: string,
    readonly encoding: string,
  ) {
    const code = 'U+' + character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    const where = row === 0 ? `the header of column "${column}"` : `row ${row}, column "${column}"`;
    super(
      `${where}: character "${character}" (${code}) cannot be written in ${encoding}; ` +
        'change the encoding (UTF-8 holds every character) or set unmappable to replace',
    );
  }
}
