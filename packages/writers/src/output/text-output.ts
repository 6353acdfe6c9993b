import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { waitForDrain } from './drain.js';
import type { Encode } from '../encoding/encoder.js';

/** Characters gathered before one encoded chunk is written (encodings without a Node form). */
const CHUNK_CHARS = 64 * 1024;
/** Bytes gathered before they are written (UTF-8, UTF-16LE). */
const CHUNK_BYTES = 256 * 1024;
/** Most bytes one UTF-16 code unit takes in Node's encodings (3 in UTF-8, 2 in UTF-16LE). */
const MAX_BYTES_PER_UNIT = 3;

/**
 * The text writers' side of the output: gathers text into chunks (256 kB; 64K characters for other encodings), writes each once,
 * returning a promise while the output asks to wait (back-pressure). Memory holds at most one
 * chunk plus what the output itself buffers.
 *
 * With an encoding Node writes itself (UTF-8, UTF-16LE), each text is encoded into the chunk's
 * buffer as it comes: the row strings die young. Gathering them into a 64K-character string
 * first kept every row of the chunk alive across collections (and promoted), then flattened
 * the rope: with six files of one export, garbage collection was the largest share of the CPU.
 * Each text is encoded on its own, so a text must not end inside a surrogate pair (writers push
 * whole rows and tags).
 */
export class TextOutput {
  private pending = '';
  private bytes: Buffer | undefined;
  private used = 0;
  private failure: Error | undefined;
  private ended = false;

  constructor(
    private readonly output: Writable,
    private readonly encode: Encode,
  ) {
    // Remembered and rethrown by the next write or end, instead of an unhandled 'error'.
    output.on('error', (error) => (this.failure ??= error));
  }

  /** Writes bytes as they are (a BOM), ahead of any text. */
  writeBytes(bytes: Buffer): void {
    this.output.write(bytes);
  }

  /** Adds text without flushing (headers, opening tags). */
  append(text: string): void {
    if (this.encode.nodeEncoding) this.addBytes(text);
    else this.pending += text;
  }

  push(text: string): void | Promise<void> {
    if (this.failure) throw this.failure;
    if (this.encode.nodeEncoding) {
      this.addBytes(text);
      if (this.used >= CHUNK_BYTES - 16 * 1024) return this.flush();
      return;
    }
    this.pending += text;
    if (this.pending.length >= CHUNK_CHARS) return this.flush();
  }

  /** Writes what is gathered; a promise when the output asks to wait. */
  flush(): void | Promise<void> {
    const chunk = this.take();
    if (chunk && !this.output.write(chunk)) return waitForDrain(this.output);
  }

  /** Writes the rest, ends the output and waits until it has finished (or failed). */
  async end(text = ''): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    if (this.failure) throw this.failure;
    this.append(text);
    const chunk = this.take();
    if (chunk) this.output.end(chunk);
    else this.output.end();
    await finished(this.output);
    if (this.failure) throw this.failure;
  }

  /** Encodes `text` into the current chunk's buffer (a text too long for one goes out alone). */
  private addBytes(text: string): void {
    const encoding = this.encode.nodeEncoding!;
    const room = text.length * MAX_BYTES_PER_UNIT;
    if (this.bytes && this.used + room > this.bytes.length) {
      const chunk = this.take();
      if (chunk) this.output.write(chunk); // back-pressure is answered by the caller's next flush
    }
    if (room > CHUNK_BYTES) {
      this.output.write(this.encode(text));
      return;
    }
    this.bytes ??= Buffer.allocUnsafe(CHUNK_BYTES);
    this.used += this.bytes.write(text, this.used, encoding);
  }

  /** What is gathered, as one chunk of bytes (undefined when nothing is). */
  private take(): Buffer | undefined {
    if (this.encode.nodeEncoding) {
      if (!this.bytes || this.used === 0) return undefined;
      // The output keeps the chunk until it is written: the next text goes into a new buffer.
      const chunk = this.bytes.subarray(0, this.used);
      this.bytes = undefined;
      this.used = 0;
      return chunk;
    }
    if (this.pending === '') return undefined;
    const chunk = this.encode(this.pending);
    this.pending = '';
    return chunk;
  }
}
