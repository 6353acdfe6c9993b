import { isUtf8 } from 'node:buffer';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { ExportkitError } from '../errors/exportkit-error.js';
import { TemplateError } from '../errors/template-error.js';
import type { ExportConfig } from './model.js';
import { oversized, TEMPLATE_LIMITS } from './limits.js';
import { readXmlTemplate } from './xml-reader.js';
import { readYamlTemplate } from './yaml-reader.js';

export type TemplateFormat = ExportConfig['format'];

/**
 * The template file cannot be read (missing, a directory, unreadable). Exit code 2: the command
 * line names a template that is not there, which is the caller's mistake, not a failed run.
 */
export class TemplateFileError extends ExportkitError {
  override readonly exitCode = 2;
}

/** The spelling of a template: by extension (.xml, .yaml, .yml), else `<` first means XML. */
export function detectTemplateFormat(file: string, text: string): TemplateFormat {
  const extension = extname(file).toLowerCase();
  if (extension === '.xml') return 'xml';
  if (extension === '.yaml' || extension === '.yml') return 'yaml';
  return text
    .replace(/^\uFEFF/, '')
    .trimStart()
    .startsWith('<')
    ? 'xml'
    : 'yaml';
}

/** Reads a template from its text; `file` is used in messages and for the format when not given. */
export function parseTemplate(text: string, file: string, format?: TemplateFormat): ExportConfig {
  const spelling = format ?? detectTemplateFormat(file, text);
  return spelling === 'xml' ? readXmlTemplate(text, file) : readYamlTemplate(text, file);
}

/**
 * Reads a template file (UTF-8; an XML declaration may name another encoding). The size bound
 * is checked on the open file before its content is read, and the read stops one byte past it
 * (a file growing meanwhile, or a device, is refused all the same).
 */
export async function readTemplate(path: string): Promise<ExportConfig> {
  let bytes: Buffer;
  try {
    // Non-blocking: a FIFO named as the template is refused below instead of waiting for a writer.
    const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const stats = await handle.stat();
      if (stats.isDirectory()) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
      if (!stats.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'ENOTFILE' });
      if (stats.size > TEMPLATE_LIMITS.maxBytes) throw oversized(path, stats.size);
      bytes = Buffer.alloc(TEMPLATE_LIMITS.maxBytes + 1);
      let length = 0;
      for (;;) {
        const { bytesRead } = await handle.read(bytes, length, bytes.length - length, length);
        if (bytesRead === 0) break;
        length += bytesRead;
        if (length > TEMPLATE_LIMITS.maxBytes) throw oversized(path);
      }
      bytes = bytes.subarray(0, length);
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof TemplateError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a directory; name a template file'
          : code === 'ENOTFILE'
            ? 'it is not a regular file'
            : code === 'EACCES' || code === 'EPERM'
              ? 'permission denied'
              : (error as Error).message;
    throw new TemplateFileError(`cannot read the template ${path}: ${why}`, { cause: error });
  }
  return parseTemplate(decode(bytes, path), path);
}

/** UTF-8 by default; UTF-16 by BOM; an XML declaration's encoding (e.g. ISO-8859-1) is honoured. */
function decode(bytes: Buffer, path: string): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  const head = bytes.subarray(0, 200).toString('latin1');
  const declared = /^(?:\uFEFF|\xEF\xBB\xBF)?<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1];
  let encoding = 'utf-8';
  if (declared && !/^utf-?8$/i.test(declared)) {
    try {
      new TextDecoder(declared);
      encoding = declared;
    } catch {
      throw new TemplateError([
        { file: path, line: 1, element: '?xml', message: `unsupported encoding "${declared}"` },
      ]);
    }
  }
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    const line = encoding === 'utf-8' ? firstInvalidUtf8Line(bytes) : undefined;
    throw new TemplateError([{ file: path, line, message: `the file is not valid ${encoding.toUpperCase()} text` }]);
  }
}

/** The 1-based line holding the first byte that is not UTF-8 (a line feed never occurs inside a UTF-8 sequence). */
function firstInvalidUtf8Line(bytes: Buffer): number | undefined {
  let line = 1;
  for (let start = 0; start <= bytes.length; line++) {
    const end = bytes.indexOf(0x0a, start);
    const stop = end < 0 ? bytes.length : end;
    if (!isUtf8(bytes.subarray(start, stop))) return line;
    if (end < 0) break;
    start = end + 1;
  }
  return undefined;
}
