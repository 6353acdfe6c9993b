import { createWriteStream, type WriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createHash, type Hash } from 'node:crypto';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { constants, crc32, createDeflateRaw, type DeflateRaw } from 'node:zlib';

/** Deflate level of the packages (as archiver's zlib level 1 in writeArchive). */
export const PACKAGE_DEFLATE_LEVEL = 1;

/** Bytes of deflated output handed to the deflated file at once (zlib's default is 16K). */
const DEFLATED_CHUNK_BYTES = 256 * 1024;

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
 * thread pool, beside the row loop. Each chunk is acknowledged once both files have taken it
 * (back-pressure from the slower of the two).
 */
export class DeflatingFileOutput extends Writable {
  private readonly file: WriteStream;
  private readonly deflate: DeflateRaw;
  private readonly deflated: WriteStream;
  private readonly hash: Hash = createHash('sha256');
  private crc = 0;
  private size = 0;
  private digest: string | undefined;

  constructor(
    readonly path: string,
    readonly deflatedPath: string,
  ) {
    super();
    this.file = createWriteStream(path);
    this.deflated = createWriteStream(deflatedPath);
    this.deflate = createDeflateRaw({
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
    this.crc = crc32(chunk, this.crc);
    this.hash.update(chunk);
    this.size += chunk.length;
    let waiting = 2;
    const done = (error?: Error | null) => {
      if (waiting === 0) return; // already answered (with an error)
      if (error) {
        waiting = 0;
        return callback(error);
      }
      if (--waiting === 0) callback();
    };
    this.file.write(chunk, done);
    if (this.deflate.write(chunk)) done();
    else this.deflate.once('drain', () => done());
  }

  override _final(callback: (error?: Error | null) => void): void {
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
