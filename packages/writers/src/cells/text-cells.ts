import type { OutputColumn } from '@exportkit/core';
import type { CharacterGuard } from '../encoding/character-guard.js';
import type { DecimalSeparator } from '../options.js';
import { withDecimal } from './decimal.js';
import { escapeFormula } from './formula-escape.js';

/** Turns one formatted cell into the text a text format writes (before format escaping). */
export type PrepareCell = (cell: string, row: number) => string;

export interface TextCellRules {
  guard: CharacterGuard;
  decimal: DecimalSeparator;
  /** CSV/TSV only. */
  formulaEscape: boolean;
}

const isNumeric = (column: OutputColumn) => column.type === 'int' || column.type === 'float';

/**
 * One function per column, chosen once: the encoding check (naming row and column), the
 * decimal separator for float columns, and formula neutralising for non-numeric columns.
 */
export function textCellPreparers(columns: readonly OutputColumn[], rules: TextCellRules): PrepareCell[] {
  const { guard, decimal, formulaEscape } = rules;
  return columns.map((column) => {
    const header = column.header;
    const decimalOf = column.type === 'float' && decimal !== '.';
    const escape = formulaEscape && !isNumeric(column);
    if (guard.passThrough) {
      if (decimalOf) return (cell) => withDecimal(cell, decimal);
      if (escape) return (cell) => escapeFormula(cell);
      return (cell) => cell;
    }
    return (cell, row) => {
      let text = guard.fit(cell, row, header);
      if (decimalOf) text = withDecimal(text, decimal);
      if (escape) text = escapeFormula(text);
      return text;
    };
  });
}

/** Headers checked against the encoding (row 0). */
export function guardedHeaders(columns: readonly OutputColumn[], guard: CharacterGuard): string[] {
  return columns.map((column) => guard.fit(column.header, 0, column.header));
}
