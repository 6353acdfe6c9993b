/**
 * Compiles a template date pattern once per run into a function over the canonical text the
 * database returns (`YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS`, already in the export's time zone),
 * so formatting a cell is string slicing, not date arithmetic.
 * Tokens: YYYY, YY, MM, DD; for datetimes also hh/HH (00–23), ii/II (minutes), ss/SS.
 * Anything else is literal.
 */
const DATE_TOKENS: Record<string, [number, number]> = { YYYY: [0, 4], YY: [2, 4], MM: [5, 7], DD: [8, 10] };
const TIME_TOKENS: Record<string, [number, number]> = {
  hh: [11, 13],
  HH: [11, 13],
  ii: [14, 16],
  II: [14, 16],
  ss: [17, 19],
  SS: [17, 19],
};

type Piece = string | [number, number];

export function compileDatePattern(pattern: string, withTime: boolean): (canonical: string) => string {
  const tokens = withTime ? { ...DATE_TOKENS, ...TIME_TOKENS } : DATE_TOKENS;
  const names = Object.keys(tokens).sort((a, b) => b.length - a.length);
  const pieces: Piece[] = [];
  let literal = '';
  for (let i = 0; i < pattern.length;) {
    const token = names.find((name) => pattern.startsWith(name, i));
    if (token) {
      if (literal) pieces.push(literal);
      literal = '';
      pieces.push(tokens[token]!);
      i += token.length;
    } else {
      literal += pattern[i];
      i += 1;
    }
  }
  if (literal) pieces.push(literal);
  return (canonical) => {
    let out = '';
    for (const piece of pieces) out += typeof piece === 'string' ? piece : canonical.slice(piece[0], piece[1]);
    return out;
  };
}

/** The same pattern as a PostgreSQL to_char format (for formatting in SQL). */
export function datePatternToSql(pattern: string, withTime: boolean): string {
  const map: Record<string, string> = { YYYY: 'YYYY', YY: 'YY', MM: 'MM', DD: 'DD' };
  if (withTime) Object.assign(map, { hh: 'HH24', HH: 'HH24', ii: 'MI', II: 'MI', ss: 'SS', SS: 'SS' });
  const names = Object.keys(map).sort((a, b) => b.length - a.length);
  let out = '';
  let literal = '';
  let afterToken = false;
  const flush = () => {
    if (literal) out += `"${literal.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
    else if (afterToken) out += '""'; // two tokens side by side: SS SS must not read as SSSS, DD DD as DDD D
    literal = '';
  };
  for (let i = 0; i < pattern.length;) {
    const token = names.find((name) => pattern.startsWith(name, i));
    if (token) {
      flush();
      out += map[token];
      afterToken = true;
      i += token.length;
    } else {
      literal += pattern[i];
      afterToken = false;
      i += 1;
    }
  }
  if (literal) flush();
  return out;
}
