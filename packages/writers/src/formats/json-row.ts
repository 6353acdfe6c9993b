import type { OutputColumn, OutputRow } from '@exportkit/core';
import { CharacterGuard } from '../encoding/character-guard.js';
import { isJsonNumber } from '../cells/json-number.js';
import { uniqueNames } from '../cells/unique-names.js';
import type { FileActionOptions } from '../options.js';

/**
 * The last object text made, with its row and the configuration that made it: the JSON and
 * NDJSON files of one export make the same text from the same row object, so the second reuses
 * it (~1 s of CPU per 100,000 rows of 45 columns). One slot is enough, since the sinks of an
 * export take each row in turn; a WeakMap of every row held each text in its table until a
 * full collection, and the JSON family peaked ~30 MB above XML.
 */
let lastText: { row: OutputRow; signature: string; text: string } | undefined;

/**
 * One row as a JSON object text, keyed by header (duplicate headers get `_2`, `_3`...):
 * - int and float columns: the database value as a JSON number;
 * - NULL (no database value and no text): null;
 * - anything else: the formatted text as a JSON string (also a number whose database text
 *   is not a JSON number, such as NaN, and a value the template computed from other columns).
 * The decimal option does not apply: numbers are JSON numbers.
 */
export class JsonRowWriter {
  private readonly keys: string[];
  private readonly numeric: boolean[];
  private readonly guard: CharacterGuard;
  private readonly headers: string[];
  /** Everything the text depends on besides the row: keys, typing, encoding rules. */
  private readonly signature: string;

  constructor(columns: readonly OutputColumn[], options: FileActionOptions) {
    this.guard = new CharacterGuard(options.encoding, options.unmappable);
    this.headers = columns.map((c) => c.header);
    const names = uniqueNames(columns.map((c) => this.guard.fit(c.header, 0, c.header)));
    this.keys = names.map((name, i) => (i === 0 ? '{' : ',') + JSON.stringify(name) + ':');
    this.numeric = columns.map((c) => c.type === 'int' || c.type === 'float');
    this.signature = JSON.stringify([this.keys, this.numeric, this.headers, options.encoding, options.unmappable]);
  }

  /** `rowNumber` is 1-based, for the unmappable-character error. */
  objectText(row: OutputRow, rowNumber: number): string {
    if (lastText?.row === row && lastText.signature === this.signature) return lastText.text;
    const text = this.makeObjectText(row, rowNumber);
    lastText = { row, signature: this.signature, text };
    return text;
  }

  private makeObjectText(row: OutputRow, rowNumber: number): string {
    const { keys, numeric, guard, headers } = this;
    const { cells, raw } = row;
    if (keys.length === 0) return '{}';
    let json = '';
    for (let i = 0; i < keys.length; i++) {
      const value = raw[i] ?? null;
      const cell = cells[i] ?? '';
      let text: string;
      if (value === null && cell === '') text = 'null';
      else if (numeric[i] && value !== null && isJsonNumber(value)) text = value;
      else text = JSON.stringify(guard.fit(cell, rowNumber, headers[i]!));
      json += keys[i] + text;
    }
    return json + '}';
  }
}
