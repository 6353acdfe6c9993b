import { rm } from 'node:fs/promises';
import type { DeliveryContext } from '@exportkit/core';

/** `removeSources`: the local files a step delivered (or encrypted), deleted once it succeeded for all of them. */
export async function removeDelivered(context: DeliveryContext, files: readonly string[], step: string): Promise<void> {
  for (const file of files) {
    context.paths.guard(file, `${step}.removeSources`);
    await rm(file, { force: true });
  }
  context.log(`${step}: ${files.length} local file(s) removed`);
}
