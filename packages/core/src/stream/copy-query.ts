import type { Knex } from 'knex';
import { Transform, type TransformCallback, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import pgUtils from 'pg/lib/utils.js';
import { isPostgresServer } from '../engine/database-kind.js';
import { copyQueryToPglite } from './pglite-copy.js';

/** A statement with `$n` placeholders (knex's `toSQL().toNative()` for pg) and its values. */
export interface NativeQuery {
  sql: string;
  bindings: readonly unknown[];
}

export interface CopyQueryOptions {
  /** One of `,`, `;`, `|`, tab. */
  delimiter: string;
  signal?: AbortSignal;
  /** Called after every `progressEvery` records (the cursor path's batch size) and at the end. */
  onRecords?: (records: number) => void;
  progressEvery?: number;
  /** One column per record: PostgreSQL then quotes a lone `\.`, which the row path does not. */
  singleColumn?: boolean;
}

const DELIMITERS: Readonly<Record<string, string>> = { ',': "','", ';': "';'", '|': "'|'", '\t': "E'\\t'" };

/** The COPY statement around a query text, for one of the accepted delimiters. */
export function copyStatement(delimiterOption: string): (text: string) => string {
  const delimiter = DELIMITERS[delimiterOption];
  if (!delimiter) throw new Error(`COPY: unsupported delimiter ${JSON.stringify(delimiterOption)}`);
  return (text) => `COPY (${text}) TO STDOUT WITH (FORMAT csv, DELIMITER ${delimiter})`;
}

/**
 * Streams `COPY (query) TO STDOUT WITH (FORMAT csv)` into `output`, LF line ends turned into
 * CRLF, inside one transaction on one connection of the pool. COPY takes no parameters, so
 * each binding is set with `set_config('exportkit.bN', $1, true)` (bound, never spliced) and
 * its `$N` in the text becomes `(SELECT current_setting('exportkit.bN')::<type>)` (read once per
 * query, not per row), the type being the
 * one PostgreSQL infers for `$N` in the statement itself (PREPARE), so the query means exactly
 * what it means with bound parameters. Returns the number of records. On PGlite, the same
 * statement through {@link copyQueryToPglite}.
 */
export async function copyQueryTo(
  knex: Knex,
  query: NativeQuery,
  output: Writable,
  options: CopyQueryOptions,
): Promise<number> {
  if (!isPostgresServer(knex)) return copyQueryToPglite(knex, query, output, options);
  const statementFor = copyStatement(options.delimiter);
  const client = knex.client as {
    acquireConnection(): Promise<pg.Client>;
    releaseConnection(c: pg.Client): Promise<unknown>;
  };
  const emit = (sql: string, bindings: readonly unknown[] = []) =>
    (knex as unknown as { emit(event: string, data: unknown): void }).emit('query', {
      method: 'raw',
      sql,
      bindings: [...bindings],
    });
  const run = (sql: string, values: readonly unknown[] = []) => {
    emit(sql, values);
    return connection.query(sql, values as unknown[]);
  };
  options.signal?.throwIfAborted();
  const connection = await client.acquireConnection();
  let open = false;
  let broken = false;
  try {
    await run('BEGIN');
    open = true;
    // JIT compilation costs seconds per query here and gains nothing on a single pass (as in the cursor path).
    await run('SET LOCAL jit = off');
    const text = await bindSettings(query, run);
    const statement = statementFor(text);
    options.signal?.throwIfAborted();
    emit(statement);
    const stream = connection.query(copyTo(statement));
    const lineEnds = new CrlfRecords(options.onRecords, options.progressEvery ?? 2000, options.singleColumn);
    broken = true; // until COPY completes, a failure leaves the connection mid-protocol
    await pipeline(stream, lineEnds, output, options.signal ? { signal: options.signal } : {});
    broken = false;
    if (lineEnds.inQuotes) throw new Error('COPY output ended inside a quoted field');
    // The stream ends at CopyDone; COPY's row count comes with CommandComplete just after, and
    // the connection sends the next statement only once the COPY is complete: check after it.
    await run('COMMIT');
    open = false;
    if (stream.rowCount !== lineEnds.records)
      throw new Error(`COPY sent ${stream.rowCount} rows but ${lineEnds.records} records were read`);
    options.onRecords?.(lineEnds.records);
    return lineEnds.records;
  } catch (error) {
    if (broken) {
      // Closing the connection stops the server's COPY and rolls the transaction back.
      await connection.end().catch(() => undefined);
    } else if (open) {
      await run('ROLLBACK').catch(() => undefined);
    }
    options.signal?.throwIfAborted();
    throw error;
  } finally {
    await client.releaseConnection(connection).catch(() => undefined);
  }
}

/**
 * Sets each non-null binding as a transaction-local setting and returns the statement with its
 * `$N` placeholders replaced by typed `current_setting` reads, each a scalar sub-select
 * (NULL bindings: a typed NULL).
 */
export async function bindSettings(
  query: NativeQuery,
  run: (sql: string, values?: readonly unknown[]) => Promise<{ rows: unknown[] }>,
): Promise<string> {
  const { bindings } = query;
  if (bindings.length === 0) return query.sql;
  await run(`PREPARE exportkit_copy_types AS ${query.sql}`);
  const types = await run(
    `SELECT format('%I.%I', n.nspname, t.typname) AS type
       FROM unnest((SELECT parameter_types FROM pg_prepared_statements WHERE name = 'exportkit_copy_types')::oid[]) WITH ORDINALITY AS p(oid, i)
       JOIN pg_type t ON t.oid = p.oid JOIN pg_namespace n ON n.oid = t.typnamespace
      ORDER BY p.i`,
  );
  await run('DEALLOCATE exportkit_copy_types');
  const typeNames = types.rows.map((row) => String((row as { type: string }).type));
  if (typeNames.length !== bindings.length)
    throw new Error(`COPY: ${bindings.length} bindings but ${typeNames.length} parameter types`);
  const values = bindings.map((value) => pgUtils.prepareValue(value) as string | null);
  const settings: string[] = [];
  const params: string[] = [];
  values.forEach((value, i) => {
    if (value === null) return;
    params.push(value);
    settings.push(`set_config('exportkit.b${i + 1}', $${params.length}, true)`);
  });
  if (settings.length) await run(`SELECT ${settings.join(', ')}`, params);
  return replacePlaceholders(query.sql, (n) => {
    const type = typeNames[n - 1];
    if (type === undefined) throw new Error(`COPY: no binding for $${n}`);
    // A scalar sub-select is an InitPlan, read once per query; a bare current_setting() is
    // evaluated for every row (a datetime cell's time zone and pattern cost ~1.7 µs more each).
    return values[n - 1] === null ? `(NULL::${type})` : `(SELECT current_setting('exportkit.b${n}')::${type})`;
  });
}

/**
 * Replaces `$N` parameter tokens outside string literals ('…', E'…', dollar-quoted), quoted
 * identifiers and comments.
 */
export function replacePlaceholders(text: string, replace: (n: number) => string): string {
  let out = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === "'") {
      const escapes = i > 0 && /[eE]/.test(text[i - 1]!) && (i < 2 || !/[A-Za-z0-9_$]/.test(text[i - 2]!));
      let j = i + 1;
      for (; j < n; j++) {
        if (escapes && text[j] === '\\') {
          j++;
          continue;
        }
        if (text[j] === "'") {
          if (text[j + 1] === "'") {
            j++;
            continue;
          }
          break;
        }
      }
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < n; j++) {
        if (text[j] === '"') {
          if (text[j + 1] === '"') {
            j++;
            continue;
          }
          break;
        }
      }
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === '-' && next === '-') {
      const end = text.indexOf('\n', i);
      const j = end < 0 ? n : end;
      out += text.slice(i, j);
      i = j;
    } else if (c === '/' && next === '*') {
      let depth = 0;
      let j = i;
      for (; j < n; j++) {
        if (text[j] === '/' && text[j + 1] === '*') {
          depth++;
          j++;
        } else if (text[j] === '*' && text[j + 1] === '/') {
          depth--;
          j++;
          if (depth === 0) break;
        }
      }
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === '$') {
      const digits = /^\$(\d+)/.exec(text.slice(i, i + 12));
      const prevIsWord = i > 0 && /[A-Za-z0-9_]/.test(text[i - 1]!);
      if (digits && !prevIsWord) {
        out += replace(Number(digits[1]));
        i += digits[0].length;
        continue;
      }
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i, i + 64));
      if (tag && !prevIsWord) {
        const end = text.indexOf(tag[0], i + tag[0].length);
        const j = end < 0 ? n : end + tag[0].length;
        out += text.slice(i, j);
        i = j;
        continue;
      }
      out += c;
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/**
 * PostgreSQL's CSV ends records with LF; the row path writes CRLF. Tracks the quote state (a `"`
 * toggles it, so a doubled quote toggles twice) and turns every LF outside quotes into CRLF,
 * counting records. With a single column, PostgreSQL quotes a value `\.` (its end-of-data
 * marker) where the row path does not: such a record `"\."` is written `\.` (records of at most
 * 4 bytes are held back until their end to tell).
 */
export class CrlfRecords extends Transform {
  records = 0;
  inQuotes = false;
  private carry: Buffer | undefined;

  constructor(
    private readonly onRecords: ((records: number) => void) | undefined,
    private readonly progressEvery: number,
    private readonly singleColumn = false,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const carried = this.carry;
    const data = carried ? Buffer.concat([carried, chunk]) : chunk;
    this.carry = undefined;
    const parts: Buffer[] = [];
    let start = 0;
    // A carried record starts outside quotes; otherwise the state goes on from the last chunk.
    let inQuotes = carried ? false : this.inQuotes;
    let recordStart = carried ? 0 : -1; // -1: the record began in a chunk already written
    if (!carried && this.atRecordStart) recordStart = 0;
    let records = 0;
    // Jumps from quote to quote and line end to line end with Buffer.indexOf (memchr in C): a
    // loop over every byte in JS cost ~1 s of CPU per 700 MB.
    let nextQuote = data.indexOf(0x22);
    let i = inQuotes ? nextQuote : data.indexOf(0x0a);
    // Inside quotes `i` is the closing quote, outside the next line end (-1: none in this chunk).
    for (;;) {
      if (inQuotes ? i >= 0 : nextQuote >= 0 && (i < 0 || nextQuote < i)) {
        // A quote before the line end toggles the state (a doubled quote toggles twice).
        const quote = inQuotes ? i : nextQuote;
        inQuotes = !inQuotes;
        nextQuote = data.indexOf(0x22, quote + 1);
        i = inQuotes ? nextQuote : data.indexOf(0x0a, quote + 1);
        continue;
      }
      if (inQuotes || i < 0) break;
      if (
        this.singleColumn &&
        recordStart >= 0 &&
        i - recordStart === 4 &&
        data.subarray(recordStart, i).equals(QUOTED_END_MARKER)
      ) {
        parts.push(data.subarray(start, recordStart), END_MARKER, CRLF);
      } else {
        parts.push(data.subarray(start, i), CRLF);
      }
      start = i + 1;
      recordStart = i + 1;
      records++;
      // Progress after every `progressEvery` records, as the cursor path reports each batch.
      if (this.onRecords && (this.records + records) % this.progressEvery === 0) {
        try {
          this.onRecords(this.records + records);
        } catch (error) {
          // A failing progress listener fails the stream (and so the export) instead of hanging it.
          this.records += records;
          return callback(error as Error);
        }
        if (this.destroyed) break; // aborted from the listener: nothing more is counted
      }
      i = data.indexOf(0x0a, i + 1);
    }
    let end = data.length;
    if (this.singleColumn && recordStart >= 0 && data.length - recordStart <= 4 && data.length > recordStart) {
      this.carry = data.subarray(recordStart);
      end = recordStart;
    }
    if (start < end) parts.push(data.subarray(start, end));
    this.atRecordStart = this.carry !== undefined || recordStart === data.length;
    this.inQuotes = inQuotes;
    this.records += records;
    if (this.destroyed) return callback();
    callback(null, parts.length === 1 ? parts[0] : Buffer.concat(parts));
  }

  override _flush(callback: TransformCallback): void {
    const carried = this.carry;
    this.carry = undefined;
    if (carried) this.inQuotes = carried.filter((b) => b === 0x22).length % 2 === 1;
    callback(null, carried);
  }

  private atRecordStart = true;
}

const CRLF = Buffer.from('\r\n');
const QUOTED_END_MARKER = Buffer.from('"\\."');
const END_MARKER = Buffer.from('\\.');
