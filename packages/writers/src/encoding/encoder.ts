import iconv from 'iconv-lite';
import { encodingInfo } from './encodings.js';
import type { FileEncoding } from '../options.js';

/**
 * Turns text into the file's bytes. Text must have passed a CharacterGuard first. `nodeEncoding`
 * names the encoding when Node's Buffer writes it itself (TextOutput then encodes each text into
 * its chunk as it comes).
 */
export type Encode = ((text: string) => Buffer) & { readonly nodeEncoding?: 'utf8' | 'utf16le' };

export function createEncoder(encoding: FileEncoding): Encode {
  const info = encodingInfo(encoding);
  switch (info.name) {
    case 'UTF-8':
      return Object.assign((text: string) => Buffer.from(text, 'utf8'), { nodeEncoding: 'utf8' as const });
    case 'UTF-16LE':
      return Object.assign((text: string) => Buffer.from(text, 'utf16le'), { nodeEncoding: 'utf16le' as const });
    default: {
      const name = info.iconvName;
      return (text) => iconv.encode(text, name);
    }
  }
}
