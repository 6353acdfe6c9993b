import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { createEngine, type Engine } from 'exportkit';
import {
  ApiTokens,
  buildHttpApi,
  InProcessRunQueue,
  runWorker,
  TemplateFolder,
  TemplateVersions,
  type TemplateSource,
} from '@exportkit/server';
import { scratchDatabase, type DatabaseKind, type ScratchDatabase } from '../../support/databases.js';
import { createDemoTables } from '../../support/demo-data.js';
import { PLUGIN } from '../../pipeline/support/cli-harness.js';

/** The HTTP API as `exportkit serve` assembles it, in the test's process. */
export interface ApiService {
  scratch: ScratchDatabase;
  /** A temporary folder: `templates/` (with a template folder) and `data/`. */
  work: string;
  engine: Engine;
  queue: InProcessRunQueue;
  templates: TemplateSource;
  /** Tokens of the API: each test creates those of the scopes it needs. */
  tokens: ApiTokens;
  app: FastifyInstance;
  /** `http://127.0.0.1:<port>` */
  base: string;
  stop(): Promise<void>;
}

export interface ApiServiceOptions {
  database: DatabaseKind;
  /** Rows of the demo tables. */
  demoRows: number;
  /** Where templates come from: files in `<work>/templates`, or versions in the database. */
  templates: 'folder' | 'versions';
}

/**
 * A scratch database with the demo tables, an engine on it with the demo plugin, the in-process
 * queue and its worker (one run at a time), and the HTTP API listening on 127.0.0.1 (a free port).
 */
export async function startApiService(options: ApiServiceOptions): Promise<ApiService> {
  const scratch = await scratchDatabase(options.database);
  await createDemoTables(scratch.knex, options.demoRows);
  const work = mkdtempSync(join(tmpdir(), 'exportkit-api-'));
  mkdirSync(join(work, 'templates'));
  const dataDir = join(work, 'data');
  const engine = createEngine({ knex: scratch.knex, plugins: [PLUGIN], dataDir });
  const queue = new InProcessRunQueue();
  const templates =
    options.templates === 'folder' ? new TemplateFolder(join(work, 'templates')) : new TemplateVersions(scratch.knex);
  await queue.work(runWorker(engine, templates, queue), { concurrency: 1 });
  const tokens = new ApiTokens(scratch.knex);
  const app = await buildHttpApi({ engine, queue, templates, tokens, dataDir });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    scratch,
    work,
    engine,
    queue,
    templates,
    tokens,
    app,
    base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    async stop() {
      await app.close();
      await queue.close({ timeoutMs: 0 });
      await engine.close();
      await scratch.dispose();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
