// Compares exportkit's CSV with the reference query's: same header? same rows after sorting?
// Which columns differ, row by row (rows matched by candidateId + sessionId, unique per
// registration)? A difference is reported, not treated as a failure.
//
// Streams, so that memory stays bounded whatever the size (1,000,000 rows are ~700 MB of CSV, more
// than one JavaScript string may hold): each file is parsed record by record (csv-parse's stream),
// every data record written as one line of JSON ([match key, ...fields]) to a scratch file, the two
// files sorted by coreutils `sort` (an external merge sort, C collation), then walked side by side.
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import { parse } from 'csv-parse';

/** Options of a reader that accepts either record delimiter: exportkit ends records with CRLF, PostgreSQL with LF. */
const LENIENT = { relax_column_count: true, bom: true };
/** A strict RFC 4180 reader (and a spreadsheet): any line break outside quotes ends a record; every record has the header's fields. */
const STRICT = { bom: true, record_delimiter: ['\r\n', '\n', '\r'], relax_column_count: false };

/**
 * Parses `path` and writes each data record to `linesPath` as one JSON line `[key, ...fields]`,
 * key being candidateId/sessionId when the header has both (else ''). Read strictly first; a file
 * that fails the strict read is read again leniently for its contents (one parse when it is clean:
 * then both readers give the same records). Resolves with the header, the number of data rows and
 * what the strict read found wrong first (undefined when it reads cleanly).
 */
async function readRecords(path, linesPath, delimiter) {
  try {
    return { ...(await toRecordLines(path, linesPath, { delimiter, ...STRICT })), strict: undefined };
  } catch (error) {
    if (error.code === undefined || !String(error.code).startsWith('CSV_')) throw error;
    return {
      ...(await toRecordLines(path, linesPath, { delimiter, ...LENIENT })),
      strict: error.message.split('\n')[0],
    };
  }
}

async function toRecordLines(path, linesPath, parserOptions) {
  const out = createWriteStream(linesPath);
  let header;
  let keyOf = () => '';
  let rows = 0;
  try {
    for await (const record of createReadStream(path).pipe(parse(parserOptions))) {
      if (header === undefined) {
        header = record;
        const l = header.indexOf('candidateId');
        const s = header.indexOf('sessionId');
        if (l >= 0 && s >= 0) keyOf = (r) => `${r[l]}/${r[s]}`;
        continue;
      }
      rows += 1;
      if (!out.write(`${JSON.stringify([keyOf(record), ...record])}\n`)) await once(out, 'drain');
    }
  } finally {
    out.end(); // also on a failed read: the file is rewritten by the next one, after this stream closed
    await finished(out);
  }
  return { header: header ?? [], rows };
}

/** Sorts a file of lines with coreutils sort (byte order, bounded memory, spills to `tmpDir`). */
async function sortFile(input, output, tmpDir) {
  const child = spawn('sort', ['-S', '256M', '-T', tmpDir, '-o', output, input], {
    env: { ...process.env, LC_ALL: 'C' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const [code] = await once(child, 'close');
  if (code !== 0) throw new Error(`sort ${input} failed (exit ${code}): ${stderr}`);
}

/** Line by line over a file, `undefined` at its end. */
function lineReader(path) {
  const iterator = createInterface({ input: createReadStream(path), crlfDelay: Infinity })[Symbol.asyncIterator]();
  return async () => {
    const next = await iterator.next();
    return next.done ? undefined : next.value;
  };
}

/**
 * @param {string} oursPath exportkit's CSV file
 * @param {string} theirsPath the reference CSV file
 * @param {string} tmpDir scratch directory for the record lines and sort's spills
 */
export async function compareCsvFiles(oursPath, theirsPath, tmpDir, delimiter = ';') {
  const scratch = (name) => `${tmpDir}/compare-${process.pid}-${name}`;
  const files = [scratch('ours'), scratch('theirs'), scratch('ours.sorted'), scratch('theirs.sorted')];
  try {
    const [a, b] = await Promise.all([
      readRecords(oursPath, files[0], delimiter),
      readRecords(theirsPath, files[1], delimiter),
    ]);
    await Promise.all([sortFile(files[0], files[2], tmpDir), sortFile(files[1], files[3], tmpDir)]);
    const result = {
      rowsOurs: a.rows,
      rowsReference: b.rows,
      columns: a.header.length,
      headerSame: a.header.join('\u001f') === b.header.join('\u001f'),
      headerOurs: a.header,
      headerReference: b.header,
      identical: false,
      firstDifference: undefined,
      columnDifferences: [],
      onlyOurs: 0,
      onlyReference: 0,
      strictOurs: a.strict,
      strictReference: b.strict,
    };
    await walkSorted(files[2], files[3], a.header, b.header, result);
    result.identical = result.headerSame && result.firstDifference === undefined;
    if (result.identical) {
      result.onlyOurs = 0;
      result.onlyReference = 0;
      result.columnDifferences = [];
    }
    return result;
  } finally {
    for (const file of files) rmSync(file, { force: true });
  }
}

/**
 * Walks both sorted record files once: the first line that differs (sorted order), and — rows
 * matched by their key — which columns differ in how many rows, with an example.
 */
async function walkSorted(oursSorted, theirsSorted, headerA, headerB, result) {
  const nextA = lineReader(oursSorted);
  const nextB = lineReader(theirsSorted);
  const indexB = new Map(headerB.map((h, i) => [h, i]));
  const keyed =
    headerA.includes('candidateId') &&
    headerA.includes('sessionId') &&
    headerB.includes('candidateId') &&
    headerB.includes('sessionId');
  const diffs = new Map();
  let lineA = await nextA();
  let lineB = await nextB();
  let index = 0;
  while (lineA !== undefined || lineB !== undefined) {
    if (lineA !== lineB && result.firstDifference === undefined) {
      const show = (line) => (line === undefined ? '(none)' : JSON.parse(line).slice(1).join(';'));
      result.firstDifference = { index, ours: show(lineA), reference: show(lineB) };
    }
    index += 1;
    if (lineA === lineB) {
      lineA = await nextA();
      lineB = await nextB();
      continue;
    }
    if (!keyed) break; // without a key, the first difference is all there is to say
    // Same key on both sides: compare the columns; else the smaller key is on one side only.
    const [keyA, ...rowA] = lineA === undefined ? [] : JSON.parse(lineA);
    const [keyB, ...rowB] = lineB === undefined ? [] : JSON.parse(lineB);
    const order = lineA === undefined ? 1 : lineB === undefined ? -1 : compareKeys(lineA, lineB);
    if (keyA === keyB) {
      headerA.forEach((h, i) => {
        const j = indexB.get(h);
        if (j === undefined || rowA[i] === rowB[j]) return;
        const d = diffs.get(h) ?? { column: h, rows: 0, example: undefined };
        d.rows += 1;
        d.example ??= { registration: keyA, ours: rowA[i], reference: rowB[j] };
        diffs.set(h, d);
      });
      lineA = await nextA();
      lineB = await nextB();
    } else if (order < 0) {
      result.onlyOurs += 1;
      lineA = await nextA();
    } else {
      result.onlyReference += 1;
      lineB = await nextB();
    }
  }
  result.columnDifferences = [...diffs.values()].sort((x, y) => y.rows - x.rows);
}

/** Orders two record lines by their key the way `sort` (byte order) put them. */
function compareKeys(lineA, lineB) {
  const a = Buffer.from(lineA.slice(0, lineA.indexOf('",') + 1));
  const b = Buffer.from(lineB.slice(0, lineB.indexOf('",') + 1));
  return Buffer.compare(a, b);
}
