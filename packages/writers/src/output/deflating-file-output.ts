import { createWriteStream, type WriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createHash, type Hash } from 'node:crypto';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { constants, crc32, createDeflateRaw, type DeflateRaw, type ZlibOptions } from 'node:zlib';
import { waitForDrain } from './drain.js';

/** Deflate level of the packages (as archiver's zlib level 1 in writeArchive). */
export const PACKAGE_DEFLATE_LEVEL = 1;

/** Bytes of deflated output handed to the deflated file at once (zlib's default is 16K). */
const DEFLATED_CHUNK_BYTES = 256 * 1024;

/**
 * Bytes gathered before they go to the file and the deflater at once. Chunks come as they are
 * read from the database (~13K each from COPY): each handed on alone cost two jobs of libuv's
 * thread pool, and their wake-ups and context switches were more CPU than the disk writes.
 */
const BLOCK_BYTES = 1024 * 1024;

/**
 * Chunks at least this big go on as they are (after what is gathered): the text writers hand
 * over ~256 kB at a time, already few enough jobs, and copying them would only cost a copy.
 */
const DIRECT_BYTES = 128 * 1024;

/**
 * Bytes each stage may hold before it asks its writer to wait (Node's default is 16K, which
 * made the producer wait for the disk write and the deflate of every block in turn).
 */
const STAGE_BYTES = 4 * BLOCK_BYTES;

/** What a zip entry of the file needs without reading it again: its deflated copy and checks. */
export interface DeflatedCopy {
  /** Raw deflate stream (no zlib header) of the file's bytes. */
  path: string;
  crc32: number;
  size: number;
  compressedSize: number;
  /** The file's modification time when it was complete: a later change invalidates the copy. */
  mtimeMs: number;
  /** SHA-256 of the file's bytes (hex), for the manifest. */
  sha256: string;
}

/**
 * A file output that also deflates what it writes into a second file, and computes the CRC-32
 * a zip entry needs and the SHA-256 the manifest needs, on the way: the default package then copies the deflated bytes instead of
 * reading and compressing the file again after it is written. zlib's deflate runs on libuv's
 * thread pool, beside the row loop. Small chunks are gathered into blocks of BLOCK_BYTES, big ones
 * go on as they are; a chunk is acknowledged once both stages have room (back-pressure from the
 * slower of the two).
 */
export class DeflatingFileOutput extends Writable {
  private readonly file: WriteStream;
  private readonly deflate: DeflateRaw;
  private readonly deflated: WriteStream;
  private readonly hash: Hash = createHash('sha256');
  private crc = 0;
  private size = 0;
  private digest: string | undefined;
  private block = Buffer.allocUnsafe(BLOCK_BYTES);
  private used = 0;

  constructor(
    readonly path: string,
    readonly deflatedPath: string,
  ) {
    super({ highWaterMark: STAGE_BYTES });
    this.file = createWriteStream(path, { highWaterMark: STAGE_BYTES });
    this.deflated = createWriteStream(deflatedPath, { highWaterMark: STAGE_BYTES });
    this.deflate = createDeflateRaw({
      // zlib streams take Transform's options too; @types/node does not say so.
      ...({ writableHighWaterMark: STAGE_BYTES } as ZlibOptions),
      level: PACKAGE_DEFLATE_LEVEL,
      memLevel: 9,
      // Larger output chunks: fewer writes of the deflated file through the thread pool.
      chunkSize: DEFLATED_CHUNK_BYTES,
      strategy: constants.Z_DEFAULT_STRATEGY,
    });
    this.deflate.pipe(this.deflated);
    for (const stream of [this.file, this.deflate, this.deflated])
      stream.on('error', (error: Error) => this.destroy(error));
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const waits: Promise<void>[] = [];
    if (chunk.length >= DIRECT_BYTES) {
      // Big enough already (the text writers' chunks): after what is gathered, as it is.
      waits.push(...this.handOnBlock(), ...this.handOn(chunk));
    } else {
      for (let offset = 0; offset < chunk.length;) {
        const copied = chunk.copy(this.block, this.used, offset);
        this.used += copied;
        offset += copied;
        if (this.used === this.block.length) waits.push(...this.handOnBlock());
      }
    }
    if (waits.length === 0) return callback();
    Promise.all(waits).then(() => callback(), callback);
  }

  /** Hands on the gathered block (nothing when it is empty) and starts a new one. */
  private handOnBlock(): Promise<void>[] {
    if (this.used === 0) return [];
    const block = this.block.subarray(0, this.used);
    this.block = Buffer.allocUnsafe(BLOCK_BYTES);
    this.used = 0;
    return this.handOn(block);
  }

  /**
   * Hands bytes to both stages; the waits of those that are full. The bytes are taken as soon
   * as both have room: their disk write and their deflate go on in the thread pool while the
   * next bytes come (an error destroys this stream).
   */
  private handOn(bytes: Buffer): Promise<void>[] {
    this.crc = crc32(bytes, this.crc);
    this.hash.update(bytes);
    this.size += bytes.length;
    return [this.file, this.deflate].filter((stage) => !stage.write(bytes)).map(waitForDrain);
  }

  override _final(callback: (error?: Error | null) => void): void {
    // The stages are ended just after: their buffers take the last block whatever they hold.
    for (const wait of this.handOnBlock()) wait.catch(() => undefined);
    this.file.end();
    this.deflate.end();
    Promise.all([finished(this.file), finished(this.deflated)]).then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.file.destroy();
    this.deflate.destroy();
    this.deflated.destroy();
    callback(error);
  }

  /** Once the output has finished: the deflated copy's description. */
  async copy(): Promise<DeflatedCopy> {
    const [file, deflated] = await Promise.all([stat(this.path), stat(this.deflatedPath)]);
    if (file.size !== this.size) throw new Error(`${this.path}: ${file.size} bytes on disk, ${this.size} written`);
    return {
      path: this.deflatedPath,
      crc32: this.crc >>> 0,
      size: this.size,
      compressedSize: deflated.size,
      mtimeMs: file.mtimeMs,
      sha256: (this.digest ??= this.hash.digest('hex')),
    };
  }
}
