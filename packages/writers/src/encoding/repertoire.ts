import iconv from 'iconv-lite';
import { encodingInfo } from './encodings.js';
import type { FileEncoding } from '../options.js';

/*
 * iconv-lite silently writes `?` for a character its 8-bit table lacks, so writers check
 * every cell against the encoding's repertoire first. The repertoire is read from
 * iconv-lite's own table (decoding bytes 0-255), so the check and the encoder agree exactly.
 */

const cache = new Map<FileEncoding, RegExp | undefined>();

/**
 * A pattern matching one character (code point) the encoding cannot hold; undefined for
 * Unicode encodings, which hold every character. Non-global: use it with `exec`/`test`.
 */
export function unmappablePattern(encoding: FileEncoding): RegExp | undefined {
  if (!cache.has(encoding)) cache.set(encoding, build(encoding));
  return cache.get(encoding);
}

function build(encoding: FileEncoding): RegExp | undefined {
  const info = encodingInfo(encoding);
  if (!info.eightBit) return undefined;
  const bytes = Buffer.alloc(256);
  for (let i = 0; i < 256; i++) bytes[i] = i;
  const chars = new Set<number>();
  for (const char of iconv.decode(bytes, info.iconvName)) {
    const code = char.codePointAt(0)!;
    if (code !== 0xfffd) chars.add(code);
  }
  const ranges: string[] = [];
  const sorted = [...chars].sort((a, b) => a - b);
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    ranges.push(j === i ? hex(sorted[i]!) : `${hex(sorted[i]!)}-${hex(sorted[j]!)}`);
    i = j + 1;
  }
  return new RegExp(`[^${ranges.join('')}]`, 'u');
}

function hex(code: number): string {
  return `\\u{${code.toString(16)}}`;
}
