import type { Engine } from '@exportkit/core';
import type * as Server from '@exportkit/server';
import { createEngine } from './create-engine.js';
import { cliLogger } from './cli-logger.js';
import { replicaTarget, type QueuedRunFlags } from './options.js';

/** What `serve` and `worker` set up alike before their queue: the logger and the engine of their runs. */
export function queuedRunEngine(flags: QueuedRunFlags, databaseUrl: string | undefined) {
  const logger = cliLogger(flags.logFormat);
  const engine = createEngine({
    databaseUrl,
    replicaUrl: replicaTarget(flags.replicaUrl),
    replicaWaitSeconds: flags.replicaWait,
    dataDir: flags.dataDir,
    outDir: flags.out,
    plugins: flags.plugin,
    logger,
  });
  return { logger, engine };
}

/** Where runs find their templates by name: the `--templates` folder, or the database's versions. */
export async function queuedRunTemplates(
  server: typeof Server,
  flags: QueuedRunFlags,
  engine: Engine,
): Promise<Server.TemplateFolder | Server.TemplateVersions> {
  return flags.templateStore === 'db'
    ? new server.TemplateVersions(await engine.database())
    : new server.TemplateFolder(flags.templates);
}
