/*
 * XML 1.0 allows #x9 #xA #xD, #x20-#xD7FF, #xE000-#xFFFD and #x10000-#x10FFFF. Everything
 * else (C0 controls, lone surrogates, U+FFFE, U+FFFF) cannot appear even as a character
 * reference, so it is removed. The pattern uses the `u` flag so that a valid surrogate pair
 * is one character and a lone surrogate is matched.
 */
const ILLEGAL_XML_CHARS = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const NEEDS_ESCAPE = /[&<>\r]/;
const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' };

/** Text without the characters XML 1.0 forbids. */
export function removeIllegalXmlChars(text: string): string {
  ILLEGAL_XML_CHARS.lastIndex = 0;
  return ILLEGAL_XML_CHARS.test(text) ? text.replace(ILLEGAL_XML_CHARS, '') : text;
}

/**
 * Text ready to be element content: illegal characters removed, `& < >` escaped, and CR
 * written as `&#13;` (a parser would otherwise turn CR and CRLF into LF).
 */
export function escapeXmlText(text: string): string {
  const clean = removeIllegalXmlChars(text);
  return NEEDS_ESCAPE.test(clean) ? clean.replace(/[&<>\r]/g, (c) => ESCAPES[c]!) : clean;
}
