import iconv from 'iconv-lite';
import { encodingInfo } from './encodings.js';
import type { FileEncoding } from '../options.js';

/** Turns text into the file's bytes. Text must have passed a CharacterGuard first. */
export type Encode = (text: string) => Buffer;

export function createEncoder(encoding: FileEncoding): Encode {
  const info = encodingInfo(encoding);
  switch (info.name) {
    case 'UTF-8':
      return (text) => Buffer.from(text, 'utf8');
    case 'UTF-16LE':
      return (text) => Buffer.from(text, 'utf16le');
    default: {
      const name = info.iconvName;
      return (text) => iconv.encode(text, name);
    }
  }
}
