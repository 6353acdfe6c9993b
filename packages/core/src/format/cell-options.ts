import striptags from 'striptags';
import { decode } from 'html-entities';

/** stripHTML: remove tags, then decode entities (`<b>A</b> &amp; B` → `A & B`). */
export function stripHtml(text: string): string {
  if (!text.includes('<') && !text.includes('&')) return text;
  return decode(striptags(text));
}

/** maxLength: crop to n characters (code points, so no surrogate pair is cut in half). */
export function cropTo(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  return Array.from(text).slice(0, maxLength).join('');
}
