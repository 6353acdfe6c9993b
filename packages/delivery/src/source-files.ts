import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import picomatch from 'picomatch';
import { ExportkitError, type DeliveryContext } from '@exportkit/core';

/**
 * The local files a step delivers: those a glob relative to the data directory matches
 * (`exports/*.zip`, `outbox/**`; hidden files never), or the run's final files without one.
 */
export async function sourceFiles(
  context: DeliveryContext,
  glob: string | undefined,
  option: string,
): Promise<string[]> {
  if (glob === undefined) return [...context.files];
  const segments = glob.replace(/\\/g, '/').split('/');
  const fixed: string[] = [];
  while (segments.length > 1 && !picomatch.scan(segments[0]!).isGlob) fixed.push(segments.shift()!);
  const folder = context.paths.resolve(fixed.join('/') || '.', option);
  const matches = picomatch(segments.join('/'), { dot: false });
  let entries;
  try {
    entries = await readdir(folder, { recursive: true, withFileTypes: true });
  } catch (error) {
    throw new ExportkitError(`${option}: cannot read "${fixed.join('/') || '.'}": ${(error as Error).message}`);
  }
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .filter((path) => matches(relative(folder, path)))
    .sort();
}
