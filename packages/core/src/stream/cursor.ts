import type { Knex } from 'knex';
import { setImmediate as nextTurn } from 'node:timers/promises';

export interface CursorOptions {
  /** Rows per FETCH; memory holds at most one batch. */
  batchSize?: number;
  /** Stops between batches; the transaction is rolled back and the cursor closed. */
  signal?: AbortSignal;
}

/**
 * 500 rather than thousands: a batch lives until its last row is written, and a batch that
 * outlives two young-generation collections is promoted, then dies in the old generation, which
 * V8 lets grow to several times its live size before compacting it. With 2000-row batches of 45
 * columns every batch was promoted: XML at 100,000 registrations peaked at 241 MB, at 500 rows
 * 182 MB, in the same time (docs/benchmarks.md, "Memory: the cursor's batch size").
 */
export const DEFAULT_BATCH_SIZE = 500;

/**
 * Streams a query's rows through a server-side cursor (DECLARE … NO SCROLL CURSOR, then
 * FETCH n inside one transaction, the next batch asked for while the current one is
 * consumed), so memory stays flat on PostgreSQL and PGlite alike
 * (knex-pglite's own `.stream()` buffers the whole result). Yields batches of rows as arrays
 * of column values, in select order.
 */
export async function* streamQuery(
  knex: Knex,
  query: { sql: string; bindings: readonly unknown[] },
  options: CursorOptions = {},
): AsyncGenerator<unknown[][]> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const trx = await knex.transaction();
  // knex queries are lazy thenables that run again at every then(): make each FETCH one promise.
  // Rows as arrays (pg and PGlite both take rowMode): no object of 45 keys per row to build and
  // turn into an array again.
  const fetch = (): Promise<unknown> =>
    Promise.resolve(trx.raw(`FETCH ${batchSize} FROM exportkit_rows`).options({ rowMode: 'array' }));
  let pending: Promise<unknown> | undefined;
  let finished = false;
  try {
    // JIT compilation costs seconds per query here and gains nothing on a single pass.
    await trx.raw('SET LOCAL jit = off');
    await trx.raw(`DECLARE exportkit_rows NO SCROLL CURSOR FOR ${query.sql}`, query.bindings as never);
    pending = fetch();
    for (;;) {
      options.signal?.throwIfAborted();
      const rows = rowsOf(await pending);
      pending = undefined;
      const full = rows.length === batchSize;
      // The database produces the next batch while this one is formatted and written.
      if (full) {
        pending = fetch();
        pending.catch(() => undefined); // observed at the next await, or in finally
      }
      if (rows.length > 0) yield rows.map((row) => (Array.isArray(row) ? row : Object.values(row)));
      if (!full) break;
      // A turn of the event loop between batches: PGlite answers a FETCH without I/O, and while
      // the writers have room the loop is all resolved promises, so a signal handler, a timer (the
      // run's heartbeat) or an abort would otherwise wait for the end of the export.
      await nextTurn();
    }
    await trx.raw('CLOSE exportkit_rows');
    await trx.commit();
    finished = true;
  } finally {
    if (pending) await pending.catch(() => undefined);
    if (!finished && !trx.isCompleted()) await trx.rollback().catch(() => undefined);
  }
}

/** pg returns `{ rows }`; knex-pglite returns the same shape. */
function rowsOf(result: unknown): Array<unknown[] | Record<string, unknown>> {
  const rows = (result as { rows?: Array<unknown[] | Record<string, unknown>> }).rows;
  if (!Array.isArray(rows)) throw new Error('unexpected result shape from the database driver');
  return rows;
}
