import type { FileEncoding } from '../options.js';

/** What the writers need to know about one of the supported encodings. */
export interface EncodingInfo {
  name: FileEncoding;
  /** Name iconv-lite knows it by. */
  iconvName: string;
  /** Whether it holds only 256 characters (so some text cannot be written). */
  eightBit: boolean;
  /** Byte order mark bytes, for the encodings that have one. */
  bom?: Buffer;
}

const ENCODINGS: Readonly<Record<FileEncoding, EncodingInfo>> = {
  'UTF-8': { name: 'UTF-8', iconvName: 'utf8', eightBit: false, bom: Buffer.from([0xef, 0xbb, 0xbf]) },
  'UTF-16LE': { name: 'UTF-16LE', iconvName: 'utf16le', eightBit: false, bom: Buffer.from([0xff, 0xfe]) },
  'ISO-8859-1': { name: 'ISO-8859-1', iconvName: 'iso-8859-1', eightBit: true },
  'WINDOWS-1252': { name: 'WINDOWS-1252', iconvName: 'windows-1252', eightBit: true },
};

export function encodingInfo(name: FileEncoding): EncodingInfo {
  const info = ENCODINGS[name];
  if (!info) throw new Error(`unsupported encoding ${String(name)}`);
  return info;
}

/** The BOM to write first: only when asked and the encoding has one. */
export function bomBytes(name: FileEncoding, bom: boolean): Buffer | undefined {
  return bom ? encodingInfo(name).bom : undefined;
}
