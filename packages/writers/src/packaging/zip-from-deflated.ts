import { createReadStream, createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { crc32, deflateRawSync } from 'node:zlib';
import { PACKAGE_DEFLATE_LEVEL, type DeflatedCopy } from '../output/deflating-file-output.js';
import { waitForDrain } from '../output/drain.js';

/** A zip entry: the deflated copy of a file written earlier, or a small content deflated here. */
export type DeflatedEntry = { name: string; copy: DeflatedCopy } | { name: string; content: string | Buffer };

const MAX32 = 0xffffffff;
const MAX16 = 0xffff;
const UTF8_NAMES = 0x0800;
const DEFLATED = 8;

interface Written {
  name: Buffer;
  crc: number;
  size: number;
  compressedSize: number;
  offset: number;
}

/**
 * Writes a zip (PKWARE APPNOTE: local headers, central directory, Zip64 records when a size, an
 * offset or the entry count does not fit) whose entries are already deflated: their bytes are
 * copied, not compressed again. The same entries as writeArchive's zip, read back identically;
 * every entry is dated `date`. An abort `signal` stops it between and during copies.
 */
export async function writeZipFromDeflated(
  target: string,
  entries: readonly DeflatedEntry[],
  date: Date,
  signal?: AbortSignal,
  /** Zip64 records even where sizes fit (readers must accept them; lets tests reach that branch). */
  { forceZip64 = false }: { forceZip64?: boolean } = {},
): Promise<void> {
  signal?.throwIfAborted();
  const output = createWriteStream(target);
  const closed = finished(output);
  closed.catch(() => undefined);
  const [dosTime, dosDate] = dosDateTime(date);
  const written: Written[] = [];
  let offset = 0;
  const put = async (bytes: Buffer) => {
    offset += bytes.length;
    if (!output.write(bytes)) await waitForDrain(output);
  };
  try {
    for (const entry of entries) {
      signal?.throwIfAborted();
      const name = Buffer.from(entry.name, 'utf8');
      let data: Buffer | undefined;
      let crc: number;
      let size: number;
      let compressedSize: number;
      if ('copy' in entry) {
        ({ crc32: crc, size, compressedSize } = entry.copy);
      } else {
        const content = Buffer.isBuffer(entry.content) ? entry.content : Buffer.from(entry.content, 'utf8');
        data = deflateRawSync(content, { level: PACKAGE_DEFLATE_LEVEL });
        crc = crc32(content) >>> 0;
        size = content.length;
        compressedSize = data.length;
      }
      const record: Written = { name, crc, size, compressedSize, offset };
      const zip64 = forceZip64 || size >= MAX32 || compressedSize >= MAX32;
      const extra = zip64 ? zip64Extra([size, compressedSize]) : Buffer.alloc(0);
      const header = Buffer.alloc(30);
      header.writeUInt32LE(0x04034b50, 0);
      header.writeUInt16LE(zip64 ? 45 : 20, 4);
      header.writeUInt16LE(UTF8_NAMES, 6);
      header.writeUInt16LE(DEFLATED, 8);
      header.writeUInt16LE(dosTime, 10);
      header.writeUInt16LE(dosDate, 12);
      header.writeUInt32LE(crc, 14);
      header.writeUInt32LE(zip64 ? MAX32 : compressedSize, 18);
      header.writeUInt32LE(zip64 ? MAX32 : size, 22);
      header.writeUInt16LE(name.length, 26);
      header.writeUInt16LE(extra.length, 28);
      await put(Buffer.concat([header, name, extra]));
      if (data) await put(data);
      else {
        const before = offset;
        for await (const chunk of createReadStream((entry as { copy: DeflatedCopy }).copy.path)) {
          signal?.throwIfAborted();
          await put(chunk as Buffer);
        }
        if (offset - before !== compressedSize)
          throw new Error(`${entry.name}: the deflated copy changed while it was packaged`);
      }
      written.push(record);
    }
    const directoryOffset = offset;
    for (const entry of written) {
      const zip64 = forceZip64 || entry.size >= MAX32 || entry.compressedSize >= MAX32 || entry.offset >= MAX32;
      const extra = zip64 ? zip64Extra([entry.size, entry.compressedSize, entry.offset]) : Buffer.alloc(0);
      const header = Buffer.alloc(46);
      header.writeUInt32LE(0x02014b50, 0);
      header.writeUInt16LE((3 << 8) | 45, 4); // made by: Unix, 4.5
      header.writeUInt16LE(zip64 ? 45 : 20, 6);
      header.writeUInt16LE(UTF8_NAMES, 8);
      header.writeUInt16LE(DEFLATED, 10);
      header.writeUInt16LE(dosTime, 12);
      header.writeUInt16LE(dosDate, 14);
      header.writeUInt32LE(entry.crc, 16);
      header.writeUInt32LE(zip64 ? MAX32 : entry.compressedSize, 20);
      header.writeUInt32LE(zip64 ? MAX32 : entry.size, 24);
      header.writeUInt16LE(entry.name.length, 28);
      header.writeUInt16LE(extra.length, 30);
      // comment length, disk number, internal attributes: 0
      header.writeUInt32LE((0o100644 << 16) >>> 0, 38); // a regular file, rw-r--r--
      header.writeUInt32LE(zip64 ? MAX32 : entry.offset, 42);
      await put(Buffer.concat([header, entry.name, extra]));
    }
    const directorySize = offset - directoryOffset;
    const zip64End = forceZip64 || written.length >= MAX16 || directoryOffset >= MAX32 || directorySize >= MAX32;
    if (zip64End) {
      const record = Buffer.alloc(56);
      record.writeUInt32LE(0x06064b50, 0);
      record.writeBigUInt64LE(44n, 4);
      record.writeUInt16LE((3 << 8) | 45, 12);
      record.writeUInt16LE(45, 14);
      record.writeBigUInt64LE(BigInt(written.length), 24);
      record.writeBigUInt64LE(BigInt(written.length), 32);
      record.writeBigUInt64LE(BigInt(directorySize), 40);
      record.writeBigUInt64LE(BigInt(directoryOffset), 48);
      const locator = Buffer.alloc(20);
      locator.writeUInt32LE(0x07064b50, 0);
      locator.writeBigUInt64LE(BigInt(offset), 8);
      locator.writeUInt32LE(1, 16);
      await put(Buffer.concat([record, locator]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(zip64End ? MAX16 : written.length, 8);
    end.writeUInt16LE(zip64End ? MAX16 : written.length, 10);
    end.writeUInt32LE(zip64End ? MAX32 : directorySize, 12);
    end.writeUInt32LE(zip64End ? MAX32 : directoryOffset, 16);
    output.end(end);
    await closed;
  } catch (error) {
    output.destroy();
    await closed.catch(() => undefined);
    throw error;
  }
}

/** The Zip64 extended information extra field holding the given 8-byte values, in order. */
function zip64Extra(values: readonly number[]): Buffer {
  const extra = Buffer.alloc(4 + 8 * values.length);
  extra.writeUInt16LE(0x0001, 0);
  extra.writeUInt16LE(8 * values.length, 2);
  values.forEach((value, i) => extra.writeBigUInt64LE(BigInt(value), 4 + 8 * i));
  return extra;
}

/** MS-DOS time and date of a Date, in local time as zip tools read it (1980 at the earliest). */
function dosDateTime(date: Date): [number, number] {
  const year = Math.max(1980, date.getFullYear());
  const time = (date.getHours() << 11) | (date.getMinutes() << 5) | Math.floor(date.getSeconds() / 2);
  const day = ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate();
  return [time, day];
}
