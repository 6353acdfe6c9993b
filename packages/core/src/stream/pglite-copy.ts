import type { Knex } from 'knex';
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { bindSettings, copyStatement, CrlfRecords, type CopyQueryOptions, type NativeQuery } from './copy-query.js';

/** What this module needs of a PGlite instance (knex-pglite keeps it as `client.pglite`). */
interface PgliteLike {
  transaction<T>(
    callback: (tx: { query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }> }) => Promise<T>,
  ): Promise<T>;
  execProtocolRawStream(
    message: Uint8Array,
    options: { syncToFs?: boolean; onRawData: (data: Uint8Array) => void },
  ): Promise<void>;
}

/**
 * The COPY path on PGlite: `COPY (query) TO STDOUT WITH (FORMAT csv)` sent as a raw protocol
 * message, its CopyData payloads spooled to a temporary file, then streamed from that file into
 * `output` through the same CRLF/record counting as on PostgreSQL — the same bytes.
 *
 * Why a spool: PGlite runs PostgreSQL synchronously on the JS thread, so the whole COPY runs in
 * one turn of the event loop and nothing downstream can drain meanwhile; the payloads are written
 * synchronously to disk in 1 MB blocks, so memory stays flat whatever the number of rows (PGlite's
 * own `COPY … TO '/dev/blob'` and `query()` keep the whole result in memory). Reading the rows
 * this way skips PGlite's JS row parser and the row formatting, where the cursor path spends most
 * of its time on PGlite.
 */
export async function copyQueryToPglite(
  knex: Knex,
  query: NativeQuery,
  output: Writable,
  options: CopyQueryOptions,
): Promise<number> {
  const statementFor = copyStatement(options.delimiter);
  const client = knex.client as {
    acquireConnection(): Promise<unknown>;
    releaseConnection(c: unknown): Promise<unknown>;
  };
  const emit = (sql: string, bindings: readonly unknown[] = []) =>
    (knex as unknown as { emit(event: string, data: unknown): void }).emit('query', {
      method: 'raw',
      sql,
      bindings: [...bindings],
    });
  options.signal?.throwIfAborted();
  const spoolDir = mkdtempSync(join(tmpdir(), 'exportkit-copy-'));
  const spoolFile = join(spoolDir, 'rows.csv');
  // Taken from knex's pool (one connection on PGlite), so no knex query or transaction interleaves.
  const connection = await client.acquireConnection();
  try {
    const pglite = connection as PgliteLike;
    if (typeof pglite.execProtocolRawStream !== 'function')
      throw new Error('COPY on PGlite: the knex connection is not a PGlite instance');
    let copied: number;
    try {
      copied = await pglite.transaction(async (tx) => {
        const run = (sql: string, values: readonly unknown[] = []) => {
          emit(sql, values);
          return tx.query(sql, values as unknown[]);
        };
        await run('SET LOCAL jit = off');
        const statement = statementFor(await bindSettings(query, run));
        options.signal?.throwIfAborted();
        emit(statement);
        const spool = new CopySpool(spoolFile);
        try {
          await pglite.execProtocolRawStream(simpleQueryMessage(statement), {
            syncToFs: false,
            onRawData: (data) => spool.receive(data),
          });
        } finally {
          spool.close();
        }
        if (spool.error) throw spool.error;
        if (spool.rowCount === undefined) throw new Error('COPY on PGlite ended without its row count');
        return spool.rowCount;
      });
    } finally {
      await client.releaseConnection(connection).catch(() => undefined);
    }
    options.signal?.throwIfAborted();
    const lineEnds = new CrlfRecords(options.onRecords, options.progressEvery ?? 2000, options.singleColumn);
    await pipeline(createReadStream(spoolFile), lineEnds, output, options.signal ? { signal: options.signal } : {});
    if (lineEnds.inQuotes) throw new Error('COPY output ended inside a quoted field');
    if (copied !== lineEnds.records)
      throw new Error(`COPY sent ${copied} rows but ${lineEnds.records} records were read`);
    options.onRecords?.(lineEnds.records);
    return lineEnds.records;
  } finally {
    rmSync(spoolDir, { recursive: true, force: true });
  }
}

/** A protocol Query message ('Q', length, the text, NUL). */
function simpleQueryMessage(sql: string): Uint8Array {
  const text = Buffer.from(sql, 'utf8');
  const message = Buffer.alloc(1 + 4 + text.length + 1);
  message[0] = 0x51;
  message.writeInt32BE(4 + text.length + 1, 1);
  text.copy(message, 5);
  return message;
}

const SPOOL_BLOCK = 1 << 20;

/**
 * Reads backend messages as PGlite hands them over (in pieces that may split a message): CopyData
 * payloads go to the spool file through a 1 MB block; CommandComplete gives the row count and
 * ErrorResponse the error. Other messages (CopyOutResponse, CopyDone, ReadyForQuery, notices) are
 * skipped.
 */
class CopySpool {
  rowCount: number | undefined;
  error: Error | undefined;
  private readonly fd: number;
  private readonly block = Buffer.allocUnsafe(SPOOL_BLOCK);
  private used = 0;
  private readonly header = Buffer.alloc(5);
  private headerUsed = 0;
  private type = 0;
  private remaining = 0;
  private body: Buffer[] | undefined; // kept only for the small messages read in full (C, E)

  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }

  receive(data: Uint8Array): void {
    const chunk = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    let at = 0;
    while (at < chunk.length) {
      if (this.headerUsed < 5) {
        const take = Math.min(5 - this.headerUsed, chunk.length - at);
        chunk.copy(this.header, this.headerUsed, at, at + take);
        this.headerUsed += take;
        at += take;
        if (this.headerUsed < 5) return;
        this.type = this.header[0]!;
        this.remaining = this.header.readInt32BE(1) - 4;
        this.body = this.type === 0x43 || this.type === 0x45 ? [] : undefined;
      }
      const take = Math.min(this.remaining, chunk.length - at);
      const piece = chunk.subarray(at, at + take);
      if (this.type === 0x64) this.write(piece);
      else this.body?.push(Buffer.from(piece));
      at += take;
      this.remaining -= take;
      if (this.remaining === 0) {
        this.complete();
        this.headerUsed = 0;
      }
    }
  }

  close(): void {
    try {
      if (this.used > 0) writeSync(this.fd, this.block, 0, this.used);
      this.used = 0;
    } finally {
      closeSync(this.fd);
    }
  }

  private write(piece: Buffer): void {
    if (this.used + piece.length > SPOOL_BLOCK) {
      writeSync(this.fd, this.block, 0, this.used);
      this.used = 0;
      if (piece.length > SPOOL_BLOCK) {
        writeSync(this.fd, piece);
        return;
      }
    }
    piece.copy(this.block, this.used);
    this.used += piece.length;
  }

  private complete(): void {
    if (!this.body) return;
    const body = Buffer.concat(this.body);
    this.body = undefined;
    if (this.type === 0x43) {
      const tag = body.toString('utf8', 0, Math.max(0, body.indexOf(0)));
      const count = /^COPY (\d+)$/.exec(tag);
      if (count) this.rowCount = Number(count[1]);
    } else if (!this.error) {
      this.error = errorFromResponse(body);
    }
  }
}

/** An ErrorResponse's fields (a type byte and a NUL-terminated text each) as an Error, with its SQLSTATE as `code`. */
function errorFromResponse(body: Buffer): Error {
  const fields = new Map<string, string>();
  let at = 0;
  while (at < body.length && body[at] !== 0) {
    const end = body.indexOf(0, at + 1);
    fields.set(String.fromCharCode(body[at]!), body.toString('utf8', at + 1, end < 0 ? body.length : end));
    at = end < 0 ? body.length : end + 1;
  }
  const error = new Error(fields.get('M') ?? 'COPY on PGlite failed') as Error & { code?: string; detail?: string };
  if (fields.has('C')) error.code = fields.get('C');
  if (fields.has('D')) error.detail = fields.get('D');
  return error;
}
