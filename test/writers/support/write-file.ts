import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OutputColumn, OutputRow, Writer } from '@exportkit/core';

/** A fresh temporary folder, and a function removing it. */
export async function tempDir(prefix = 'exportkit-writers-'): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes rows through a writer into a real file, honouring back-pressure, and returns its bytes. */
export async function writeFile(
  writer: Writer,
  path: string,
  columns: readonly OutputColumn[],
  rows: Iterable<OutputRow>,
  options: Record<string, unknown> = {},
): Promise<Buffer> {
  const output = createWriteStream(path);
  try {
    const sink = writer.open(output, { columns, options });
    for (const row of rows) {
      const wait = sink.write(row);
      if (wait) await wait;
    }
    await sink.finish();
  } catch (error) {
    output.destroy();
    throw error;
  }
  return readFile(path);
}
