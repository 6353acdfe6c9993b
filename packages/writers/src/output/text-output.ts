import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { waitForDrain } from './drain.js';
import type { Encode } from '../encoding/encoder.js';

/** Characters gathered before one encoded chunk is written. */
const CHUNK_CHARS = 64 * 1024;

/**
 * The text writers' side of the output: gathers text into chunks of about 64K characters,
 * encodes each chunk once and writes it, returning a promise while the output asks to wait
 * (back-pressure). Memory holds at most one chunk plus what the output itself buffers.
 */
export class TextOutput {
  private pending = '';
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
    this.pending += text;
  }

  push(text: string): void | Promise<void> {
    if (this.failure) throw this.failure;
    this.pending += text;
    if (this.pending.length >= CHUNK_CHARS) return this.flush();
  }

  /** Writes what is gathered; a promise when the output asks to wait. */
  flush(): void | Promise<void> {
    if (this.pending === '') return;
    const chunk = this.encode(this.pending);
    this.pending = '';
    if (!this.output.write(chunk)) return waitForDrain(this.output);
  }

  /** Writes the rest, ends the output and waits until it has finished (or failed). */
  async end(text = ''): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    if (this.failure) throw this.failure;
    this.pending += text;
    const chunk = this.pending === '' ? undefined : this.encode(this.pending);
    this.pending = '';
    if (chunk) this.output.end(chunk);
    else this.output.end();
    await finished(this.output);
    if (this.failure) throw this.failure;
  }
}
