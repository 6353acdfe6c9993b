/*
 * The template's dateFormat / dateTimeFormat patterns turned into Excel number formats, so a
 * date cell shows the way the template asked while staying a real date. Tokens as in core's
 * date patterns: YYYY, YY, MM, DD; in datetime patterns also hh (00-23), ii (minutes), ss,
 * with HH, II, SS meaning the same. Anything else is literal (quoted for Excel when needed).
 */

export const DEFAULT_EXCEL_DATE_FORMAT = 'yyyy-mm-dd';
export const DEFAULT_EXCEL_DATETIME_FORMAT = 'yyyy-mm-dd hh:mm:ss';

const DATE_TOKENS: Readonly<Record<string, string>> = { YYYY: 'yyyy', YY: 'yy', MM: 'mm', DD: 'dd' };
const TIME_TOKENS: Readonly<Record<string, string>> = { hh: 'hh', HH: 'hh', ii: 'mm', II: 'mm', ss: 'ss', SS: 'ss' };

/** Literal characters Excel shows as they are; any other literal run is quoted. */
const PLAIN_LITERAL = /^[-/: ()]+$/;

/**
 * The Excel number format of a template date (withTime false) or datetime pattern; the
 * default (`yyyy-mm-dd`, `yyyy-mm-dd hh:mm:ss`) when there is none. Excel reads `mm` as
 * minutes right after hours or before seconds, which is where `ii` stands in practice.
 */
export function excelDateFormat(pattern: string | undefined, withTime: boolean): string {
  if (pattern === undefined || pattern === '')
    return withTime ? DEFAULT_EXCEL_DATETIME_FORMAT : DEFAULT_EXCEL_DATE_FORMAT;
  const tokens = withTime ? { ...DATE_TOKENS, ...TIME_TOKENS } : DATE_TOKENS;
  const names = Object.keys(tokens).sort((a, b) => b.length - a.length);
  let format = '';
  let literal = '';
  const flush = () => {
    if (literal === '') return;
    format += PLAIN_LITERAL.test(literal) ? literal : `"${literal.replaceAll('"', '"\\""')}"`;
    literal = '';
  };
  for (let i = 0; i < pattern.length;) {
    const token = names.find((name) => pattern.startsWith(name, i));
    if (token) {
      flush();
      format += tokens[token];
      i += token.length;
    } else {
      literal += pattern[i];
      i += 1;
    }
  }
  flush();
  return format;
}
