import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { ExportkitError } from '../errors/exportkit-error.js';
import { TemplateError } from '../errors/template-error.js';
import type { ExportConfig } from './model.js';
import { readXmlTemplate } from './xml-reader.js';
import { readYamlTemplate } from './yaml-reader.js';

export type TemplateFormat = ExportConfig['format'];

/** The template file cannot be read (missing, a directory, unreadable). Exit code 1. */
export class TemplateFileError extends ExportkitError {}

/** The spelling of a template: by extension (.xml, .yaml, .yml), else `<` first means XML. */
export function detectTemplateFormat(file: string, text: string): TemplateFormat {
  const extension = extname(file).toLowerCase();
  if (extension === '.xml') return 'xml';
  if (extension === '.yaml' || extension === '.yml') return 'yaml';
  return text.replace(/^\uFEFF/, '').trimStart().startsWith('<') ? 'xml' : 'yaml';
}

/** Reads a template from its text; `file` is used in messages and for the format when not given. */
export function parseTemplate(text: string, file: string, format?: TemplateFormat): ExportConfig {
  const spelling = format ?? detectTemplateFormat(file, text);
  return spelling === 'xml' ? readXmlTemplate(text, file) : readYamlTemplate(text, file);
}

/** Reads a template file (UTF-8; an XML declaration may name another encoding). */
export async function readTemplate(path: string): Promise<ExportConfig> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a directory'
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
      throw new TemplateError([{ file: path, line: 1, element: '?xml', message: `unsupported encoding "${declared}"` }]);
    }
  }
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    throw new TemplateError([{ file: path, message: `the file is not valid ${encoding.toUpperCase()} text` }]);
  }
}
