import type { Knex } from 'knex';
import type { Column, ColumnUse } from '../contributions/column.js';
import { databaseMessage } from '../errors/database-message.js';
import { originOf } from '../di/origin.js';

/** One column of an export, and where the template names it. */
export interface PlannedColumn {
  column: Column;
  use: ColumnUse;
}

/** A statement the database refused, blamed on a column when one is at fault. */
export interface StatementProblem {
  /** The column whose SQL fragment fails on its own; undefined when the fault lies elsewhere (a filter, the provider). */
  column?: PlannedColumn;
  /** `column acmeLoginUpper (from @acme/exportkit-columns): column learner.logn does not exist` */
  message: string;
}

/**
 * PREPAREs an export's composed statement, so that a plugin's SQL mistake shows before any run,
 * and never as the raw statement: when the whole statement fails, each column's statement is
 * prepared on its own (with the same filters) and every column failing alone is named, with its
 * plugin; when none does, the fault is the filters' or the provider's. `statementFor` composes the
 * export's statement (`$n` placeholders) for a subset of its columns.
 */
export async function statementProblems(
  knex: Knex,
  columns: readonly PlannedColumn[],
  statementFor: (columns: readonly PlannedColumn[]) => string,
): Promise<StatementProblem[]> {
  const whole = await prepareError(knex, statementFor(columns));
  if (whole === undefined) return [];
  const problems: StatementProblem[] = [];
  for (const planned of columns) {
    const error = await prepareError(knex, statementFor([planned]));
    if (error !== undefined)
      problems.push({
        column: planned,
        message: `column ${planned.column.metadata.name} (${sourceOf(planned.column)}): ${error}`,
      });
  }
  return problems.length ? problems : [{ message: `its filters or provider: ${whole}` }];
}

/** `from @acme/pkg` when the plugin loader recorded the package, else the class. */
function sourceOf(column: Column): string {
  const origin = originOf(column);
  return origin ? `from ${origin}` : `class ${column.constructor.name}`;
}

/** The database's words when the statement does not PREPARE, else undefined. */
async function prepareError(knex: Knex, statement: string): Promise<string | undefined> {
  try {
    // One connection for PREPARE and DEALLOCATE: a transaction holds it (and is rolled back).
    await knex.transaction(async (trx) => {
      await trx.raw(`PREPARE exportkit_check AS ${statement}`);
      await trx.raw('DEALLOCATE exportkit_check');
    });
    return undefined;
  } catch (error) {
    return databaseMessage(error);
  }
}
