import { expect } from 'chai';
import { Writable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { OutputColumn, OutputRow, Writer } from '@exportkit/core';
import { CsvWriter, JsonWriter, XlsxWriter, XmlWriter } from '@exportkit/writers';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const ROWS = 200_000;
const COLUMNS: OutputColumn[] = [
  { header: 'id', type: 'int' },
  { header: 'name', type: 'string' },
  { header: 'score', type: 'float' },
  { header: 'day', type: 'datetime' },
  { header: 'comment', type: 'longtext' },
];

function makeRow(i: number): OutputRow {
  const comment = `comment number ${i} with some text, "quotes"; and more text to make the row longer ${i * 7}`;
  return {
    cells: [String(i), `Learner ${i}`, (i / 7).toFixed(2), '2024-03-05 14:30:00', comment],
    raw: [String(i), `Learner ${i}`, (i / 7).toFixed(2), '2024-03-05 14:30:00', comment],
  };
}

/** An output that takes its time: each chunk is acknowledged on a later timer tick. */
function slowOutput(delayMs: number): Writable & { bytes: number } {
  const out = new Writable({
    highWaterMark: 16 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      out.bytes += chunk.length;
      setTimeout(callback, delayMs);
    },
  }) as Writable & { bytes: number };
  out.bytes = 0;
  return out;
}

function fastOutput(): Writable & { bytes: number } {
  const out = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      out.bytes += chunk.length;
      callback();
    },
  }) as Writable & { bytes: number };
  out.bytes = 0;
  return out;
}

/** JS heap plus Buffers (zlib's own native memory, which comes and goes, is left out). */
function memory(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** 20 text columns: more sheet XML per row than the compressor takes in between two checks. */
const WIDE_COLUMNS: OutputColumn[] = Array.from({ length: 20 }, (_, i) => ({ header: `text ${i}`, type: 'string' }));

function makeWideRow(i: number): OutputRow {
  const cells = WIDE_COLUMNS.map((_, c) => `value ${i}-${c} ${Math.random().toString(36)}`);
  return { cells, raw: cells };
}

/** Memory after a full collection, once V8 has had a moment to free Buffers' backing stores. */
async function settledMemory(): Promise<number> {
  gc();
  await new Promise((resolve) => setTimeout(resolve, 20));
  gc();
  return memory();
}

/** Writes rows as the engine does (awaiting returned promises); returns the peak memory growth. */
async function measure(
  writer: Writer,
  output: Writable & { bytes: number },
  {
    rows = ROWS,
    columns = COLUMNS,
    make = makeRow,
  }: { rows?: number; columns?: OutputColumn[]; make?: (i: number) => OutputRow } = {},
): Promise<{ growth: number; waits: number; bytes: number }> {
  const base = await settledMemory();
  let peak = 0;
  let waits = 0;
  const sink = writer.open(output, { columns, options: {} });
  for (let i = 1; i <= rows; i++) {
    const wait = sink.write(make(i));
    if (wait) {
      waits++;
      await wait;
    }
    if (i % 10_000 === 0) peak = Math.max(peak, (await settledMemory()) - base);
  }
  await sink.finish();
  return { growth: peak, waits, bytes: output.bytes };
}

const MB = 1024 * 1024;

describe('writers: back-pressure and flat memory', function () {
  this.timeout(300_000);

  for (const writer of [new CsvWriter(), new XmlWriter(), new JsonWriter()] as Writer[]) {
    it(`${writer.metadata.format}: 200k rows into a slow output keep memory growth small`, async () => {
      const { growth, waits, bytes } = await measure(writer, slowOutput(1));
      expect(bytes).to.be.greaterThan(20 * MB);
      expect(waits, 'the sink asked the caller to wait').to.be.greaterThan(100);
      expect(growth, `grew ${(growth / MB).toFixed(1)} MB for ${(bytes / MB).toFixed(0)} MB written`).to.be.lessThan(
        8 * MB,
      );
    });
  }

  it('XLSX: 200k rows into a slow output keep memory growth small', async () => {
    const { growth, waits, bytes } = await measure(new XlsxWriter(), slowOutput(1));
    expect(bytes).to.be.greaterThan(5 * MB);
    expect(waits).to.be.greaterThan(100);
    expect(growth, `grew ${(growth / MB).toFixed(1)} MB`).to.be.lessThan(16 * MB);
  });

  it('XLSX: 100k wide rows into a fast output do not pile up before the compressor', async () => {
    const { growth, bytes } = await measure(new XlsxWriter(), fastOutput(), {
      rows: 100_000,
      columns: WIDE_COLUMNS,
      make: makeWideRow,
    });
    expect(bytes).to.be.greaterThan(20 * MB);
    expect(growth, `grew ${(growth / MB).toFixed(1)} MB`).to.be.lessThan(16 * MB);
  });
});
