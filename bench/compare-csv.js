// Compares exportkit's CSV with the reference query's: same header? same rows after sorting?
// Which columns differ, row by row (rows matched by candidateId + sessionId, unique per
// registration)? A difference is reported, not treated as a failure.
import { parse } from 'csv-parse/sync';

const SEP = '\u001f';

export function parseCsv(text, delimiter = ';') {
  // RFC 4180 either way; exportkit ends records with CRLF, PostgreSQL with LF.
  return parse(text, { delimiter, relax_column_count: true, bom: true });
}

/**
 * Reads a CSV the way a strict RFC 4180 reader (and a spreadsheet) does: any line break outside
 * quotes ends a record, and every record has the header's number of fields. Returns undefined
 * when the file reads cleanly, else what went wrong first.
 */
export function strictCheck(text, delimiter = ';') {
  try {
    parse(text, { delimiter, bom: true, record_delimiter: ['\r\n', '\n', '\r'], relax_column_count: false });
    return undefined;
  } catch (error) {
    return error.message.split('\n')[0];
  }
}

/**
 * @param {string} ours exportkit's CSV text
 * @param {string} theirs the reference CSV text
 */
export function compareCsv(ours, theirs) {
  const a = parseCsv(ours);
  const b = parseCsv(theirs);
  const [headerA = [], ...rowsA] = a;
  const [headerB = [], ...rowsB] = b;
  const result = {
    rowsOurs: rowsA.length,
    rowsReference: rowsB.length,
    columns: headerA.length,
    headerSame: headerA.join(SEP) === headerB.join(SEP),
    headerOurs: headerA,
    headerReference: headerB,
    identical: false,
    firstDifference: undefined,
    columnDifferences: [],
    onlyOurs: 0,
    onlyReference: 0,
    strictOurs: strictCheck(ours),
    strictReference: strictCheck(theirs),
  };
  const linesA = rowsA.map((r) => r.join(SEP)).sort();
  const linesB = rowsB.map((r) => r.join(SEP)).sort();
  const n = Math.max(linesA.length, linesB.length);
  for (let i = 0; i < n; i++) {
    if (linesA[i] !== linesB[i]) {
      result.firstDifference = {
        index: i,
        ours: linesA[i]?.split(SEP).join(';') ?? '(none)',
        reference: linesB[i]?.split(SEP).join(';') ?? '(none)',
      };
      break;
    }
  }
  result.identical = result.headerSame && result.firstDifference === undefined;
  if (result.identical) return result;

  // Column by column, rows matched by registration (candidateId + sessionId).
  const keyOf = (header) => {
    const l = header.indexOf('candidateId');
    const s = header.indexOf('sessionId');
    return l >= 0 && s >= 0 ? (row) => `${row[l]}/${row[s]}` : undefined;
  };
  const keyA = keyOf(headerA);
  const keyB = keyOf(headerB);
  if (!keyA || !keyB) return result;
  const byKey = new Map(rowsB.map((r) => [keyB(r), r]));
  const indexB = new Map(headerB.map((h, i) => [h, i]));
  const diffs = new Map();
  for (const row of rowsA) {
    const other = byKey.get(keyA(row));
    if (!other) {
      result.onlyOurs += 1;
      continue;
    }
    byKey.delete(keyA(row));
    headerA.forEach((h, i) => {
      const j = indexB.get(h);
      if (j === undefined) return;
      if (row[i] !== other[j]) {
        const d = diffs.get(h) ?? { column: h, rows: 0, example: undefined };
        d.rows += 1;
        d.example ??= { registration: keyA(row), ours: row[i], reference: other[j] };
        diffs.set(h, d);
      }
    });
  }
  result.onlyReference = byKey.size;
  result.columnDifferences = [...diffs.values()].sort((x, y) => y.rows - x.rows);
  return result;
}
