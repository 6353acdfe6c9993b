import { basename } from 'node:path';
import { finished } from 'node:stream/promises';
import { rememberFileDigest, type RunContext } from '@exportkit/core';
import { numberedCandidates } from '../files/step-files.js';
import { rememberDeflatedCopy } from '../packaging/deflated-copies.js';
import { DeflatingFileOutput } from './deflating-file-output.js';

/**
 * The output of one report file of a run: written under a temporary name and deflated and hashed on
 * the way (so the default package copies the deflated bytes instead of compressing the file
 * again, and the manifest does not read it again for its SHA-256),
 * then published under its name in the run's work folder, claimed through the journal.
 */
export function openReportFile(context: RunContext, finalPath: string, tempPath: string) {
  const output = new DeflatingFileOutput(tempPath, context.journal.temporaryFor(`${finalPath}.deflate`));
  const closed = finished(output);
  closed.catch(() => undefined); // observed in publish(); avoids an unhandled rejection meanwhile
  return {
    output,
    /** Once the writer has ended the output: the file's final path. */
    async publish(): Promise<string> {
      await closed;
      const copy = await output.copy();
      const path = await context.journal.claim(tempPath, numberedCandidates(context.workDir, basename(finalPath)));
      await rememberDeflatedCopy(context.journal, path, copy);
      await rememberFileDigest(context.journal, path, { bytes: copy.size, sha256: copy.sha256, mtimeMs: copy.mtimeMs });
      return path;
    },
  };
}
