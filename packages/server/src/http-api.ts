import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import { send } from '@fastify/send';
import { basename, dirname, relative } from 'node:path';
import {
  DataPaths,
  ExportkitError,
  ENGINE_VERSION,
  parseIsoInstant,
  parseTemplate,
  TemplateError,
  UnsafePathError,
  type Engine,
  type ExportConfig,
  type TemplateIssue,
} from '@exportkit/core';
import { RUN_STATES, type QueuedRun, type RunQueue, type RunState } from './run-queue.js';
import { TEMPLATE_NAME, TemplateVersionsUnavailableError, UnknownTemplateError } from './template-folder.js';
import type { TemplateSource, TemplateText } from './template-source.js';
import { CONSOLE_PAGE } from './console-page.js';
import type { RunSchedules } from './pg-boss-run-queue.js';
import { syncTemplateSchedule } from './template-schedules.js';
import { scopeAllows, type ApiTokens, type TokenScope } from './api-tokens.js';

export interface HttpApiOptions {
  engine: Engine;
  queue: RunQueue;
  /** Where templates come from: the templates folder, or the database (versioned). */
  templates: TemplateSource;
  tokens: ApiTokens;
  /** The engine's data directory: run files are served from inside it only. */
  dataDir: string;
  /** Schedules, when the queue has them (PostgreSQL); without, the schedule routes answer 501. */
  schedules?: RunSchedules;
  /** Fastify's logger (default: none). */
  logger?: boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What a token needs for the route; none: the route is open (/health). */
    scope?: TokenScope;
  }
  interface FastifyRequest {
    /** The name of the request's token (who stored a template version). */
    tokenName?: string;
  }
}

const TEMPLATE_TYPES = ['application/xml', 'text/xml', 'application/yaml', 'text/yaml', 'application/x-yaml'];
const nameParam = {
  type: 'object',
  properties: { name: { type: 'string', pattern: TEMPLATE_NAME.source } },
  required: ['name'],
} as const;
const idParam = { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] } as const;
const problem = { type: 'object', properties: { error: { type: 'string' } } } as const;
/** How often a run's event stream looks at its state. */
const EVENTS_POLL_MS = 500;

/**
 * The HTTP API of `exportkit serve`: templates of the folder, runs through the queue, their files,
 * the registry. Every route but /health needs a bearer token of enough scope (read < run < admin).
 * Requests are checked against JSON Schemas, which /openapi.json publishes.
 */
export async function buildHttpApi(options: HttpApiOptions): Promise<FastifyInstance> {
  const { engine, queue, templates, tokens } = options;
  const dataPaths = new DataPaths(options.dataDir);
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 1024 * 1024 });
  app.addContentTypeParser(TEMPLATE_TYPES, { parseAs: 'string' }, (_request, body, done) => done(null, body));

  await app.register(swagger, {
    openapi: {
      info: { title: 'exportkit', version: ENGINE_VERSION, description: 'exportkit as a service' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });

  app.addHook('onRequest', async (request, reply) => {
    const needed = request.routeOptions.config.scope;
    if (!needed) return;
    const token = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
    const identity = token ? await tokens.identify(token) : undefined;
    const scope = identity?.scope;
    if (!scope) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: 'a bearer token is needed (Authorization: Bearer <token>; exportkit token create)' });
    }
    if (!scopeAllows(scope, needed))
      return reply
        .code(403)
        .send({ error: `this route needs a token of scope ${needed} or above; this one is ${scope}` });
    request.tokenName = identity.name;
  });

  app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
    const status =
      (error as { validation?: unknown }).validation !== undefined
        ? 400
        : error instanceof UnsafePathError || (error instanceof ExportkitError && error.exitCode === 2)
          ? 400 // what the command line refuses with exit code 2: the request is wrong
          : error instanceof UnknownTemplateError
            ? 404
            : error instanceof TemplateVersionsUnavailableError
              ? 501
              : (error.statusCode ?? 500);
    return reply.code(status).send({ error: status === 500 ? `internal error: ${error.message}` : error.message });
  });

  // The console page holds no data (the API calls it makes carry the user's token): no token needed.
  app.get('/', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(CONSOLE_PAGE),
  );

  app.get('/health', { schema: { security: [], description: 'Liveness: no token needed' } }, async () => ({
    ok: true,
  }));

  app.get('/openapi.json', { config: { scope: 'read' }, schema: { hide: true } }, async () => app.swagger());

  app.get(
    '/catalogue',
    {
      config: { scope: 'read' },
      schema: { description: 'The registry: providers, columns, parameters, formats, steps' },
    },
    async () => engine.describe(),
  );

  app.get('/templates', { config: { scope: 'read' } }, async () => ({ templates: await templates.list() }));

  app.get<{ Params: { name: string }; Querystring: { version?: number } }>(
    '/templates/:name',
    {
      config: { scope: 'read' },
      schema: {
        description: "The template's text: the latest, or a stored version (`?version=N`, database store)",
        params: nameParam,
        querystring: {
          type: 'object',
          properties: { version: { type: 'integer', minimum: 1 } },
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      const template = await templates.read(request.params.name, request.query.version);
      if (template.version !== undefined) void reply.header('x-template-version', String(template.version));
      return reply.type(template.format === 'xml' ? 'application/xml' : 'application/yaml').send(template.text);
    },
  );

  app.get<{ Params: { name: string } }>(
    '/templates/:name/versions',
    {
      config: { scope: 'read' },
      schema: {
        description: "A stored template's versions, oldest first (who stored each, when; deletions too)",
        params: nameParam,
      },
    },
    async (request) => {
      const { name } = request.params;
      const versions = await templates.versions(name);
      if (!versions)
        throw new TemplateVersionsUnavailableError(
          `template "${name}": ${templates.description} keeps no versions (serve --template-store db keeps them)`,
        );
      if (versions.length === 0) throw new UnknownTemplateError(`template "${name}": none is stored`);
      return { name, versions };
    },
  );

  app.put<{ Params: { name: string }; Body: string }>(
    '/templates/:name',
    {
      config: { scope: 'admin' },
      schema: {
        description:
          'Stores a template (XML or YAML text): a new version in the database store, the file replaced in a folder; answers its problems',
        params: nameParam,
        body: { type: 'string', minLength: 1 },
      },
    },
    async (request) => {
      const { name } = request.params;
      const stored = await templates.store(name, request.body, request.tokenName ?? 'unknown');
      // Its `schedule:` key takes effect now (a template with problems keeps the schedule it had).
      if (options.schedules) await syncTemplateSchedule(options.schedules, templates, name);
      const problems = await problemsOf(basename(stored.file), () => engine.validate(configOf(stored)));
      return stored.version === undefined ? { name, problems } : { name, version: stored.version, problems };
    },
  );

  app.delete<{ Params: { name: string } }>(
    '/templates/:name',
    { config: { scope: 'admin' }, schema: { params: nameParam } },
    async (request, reply) => {
      await templates.remove(request.params.name, request.tokenName ?? 'unknown');
      if (options.schedules) await syncTemplateSchedule(options.schedules, templates, request.params.name);
      return reply.code(204).send();
    },
  );

  app.post<{ Params: { name: string }; Body?: string }>(
    '/templates/:name/validate',
    {
      config: { scope: 'read' },
      schema: {
        description:
          'The problems of a template, with lines (as exportkit validate --db): of the text sent, or else of the stored one',
        params: nameParam,
      },
    },
    async (request) => {
      const { name } = request.params;
      const text = typeof request.body === 'string' && request.body.length > 0 ? request.body : undefined;
      if (text === undefined) {
        const stored = await templates.read(name);
        return { problems: await problemsOf(basename(stored.file), () => engine.validate(configOf(stored))) };
      }
      const file = `${name}.${/^\s*</.test(text) ? 'xml' : 'yaml'}`;
      return { problems: await problemsOf(file, () => engine.validate(parseTemplate(text, file))) };
    },
  );

  const schedulesOr501 = (reply: FastifyReply): RunSchedules | undefined => {
    if (!options.schedules)
      void reply
        .code(501)
        .send({ error: "schedules need PostgreSQL (pg-boss's scheduler); this server runs on PGlite" });
    return options.schedules;
  };

  app.get(
    '/schedules',
    { config: { scope: 'read' }, schema: { description: 'Every schedule' } },
    async (_request, reply) => {
      const schedules = schedulesOr501(reply);
      return schedules ? { schedules: await schedules.schedules() } : reply;
    },
  );

  app.put<{ Params: { name: string }; Body: { cron: string; timeZone?: string } }>(
    '/templates/:name/schedule',
    {
      config: { scope: 'admin' },
      schema: {
        description: 'Runs the template on a cron expression in a time zone (replacing its schedule)',
        params: nameParam,
        body: {
          type: 'object',
          properties: {
            cron: { type: 'string', description: 'five fields: minute hour day-of-month month day-of-week' },
            timeZone: { type: 'string', default: 'UTC', description: 'IANA region name, or UTC' },
          },
          required: ['cron'],
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      const schedules = schedulesOr501(reply);
      if (!schedules) return reply;
      await templates.read(request.params.name); // a template of the source, or 404
      const schedule = {
        template: request.params.name,
        cron: request.body.cron,
        timeZone: request.body.timeZone ?? 'UTC',
      };
      await schedules.schedule(schedule);
      return schedule;
    },
  );

  app.delete<{ Params: { name: string } }>(
    '/templates/:name/schedule',
    { config: { scope: 'admin' }, schema: { params: nameParam } },
    async (request, reply) => {
      const schedules = schedulesOr501(reply);
      if (!schedules) return reply;
      await schedules.unschedule(request.params.name);
      return reply.code(204).send();
    },
  );

  app.post<{ Body: { template: string; now?: string } }>(
    '/runs',
    {
      config: { scope: 'run' },
      schema: {
        description: 'Queues a run of a template; 202 with its id',
        body: {
          type: 'object',
          properties: {
            template: { type: 'string', pattern: TEMPLATE_NAME.source },
            now: { type: 'string', description: "the run's reference instant (ISO-8601)" },
          },
          required: ['template'],
          additionalProperties: false,
        },
        response: { 202: { type: 'object', properties: { id: { type: 'string' } } }, 400: problem, 404: problem },
      },
    },
    async (request, reply) => {
      const { template, now } = request.body;
      await templates.read(template); // a template of the source, or 404
      if (now !== undefined) {
        const parsed = parseIsoInstant(now);
        if (!parsed.ok) return reply.code(400).send({ error: `now: ${parsed.message}` });
      }
      const id = await queue.enqueue(now === undefined ? { template } : { template, now });
      return reply.code(202).header('location', `/runs/${id}`).send({ id });
    },
  );

  app.get<{ Querystring: { state?: RunState; template?: string; limit: number; offset: number } }>(
    '/runs',
    {
      config: { scope: 'read' },
      schema: {
        description: 'Runs, newest first, a page at a time',
        querystring: {
          type: 'object',
          properties: {
            state: { type: 'string', enum: [...RUN_STATES] },
            template: { type: 'string', pattern: TEMPLATE_NAME.source },
            limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
            offset: { type: 'integer', minimum: 0, default: 0 },
          },
          additionalProperties: false,
        },
      },
    },
    async (request) => ({ runs: await queue.list(request.query) }),
  );

  const runOr404 = async (id: string, reply: FastifyReply): Promise<QueuedRun | undefined> => {
    const run = await queue.status(id);
    if (!run) void reply.code(404).send({ error: `no run ${id}` });
    return run;
  };

  app.get<{ Params: { id: string } }>(
    '/runs/:id',
    { config: { scope: 'read' }, schema: { params: idParam, description: 'A run: state, attempts, exports, error' } },
    async (request, reply) => (await runOr404(request.params.id, reply)) ?? reply,
  );

  app.post<{ Params: { id: string } }>(
    '/runs/:id/cancel',
    {
      config: { scope: 'run' },
      schema: { params: idParam, description: 'Cancels a queued run or aborts a running one' },
    },
    async (request, reply) => {
      const run = await runOr404(request.params.id, reply);
      if (!run) return reply;
      if (!(await queue.cancel(run.id)))
        return reply.code(409).send({ error: `run ${run.id} has ended (${run.state}); nothing to cancel` });
      return { id: run.id, cancelled: true };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/runs/:id/events',
    {
      config: { scope: 'read' },
      schema: {
        params: idParam,
        description: 'Server-sent events: the run as it changes (event "run"), until it ends',
      },
    },
    async (request, reply) => {
      if (!(await runOr404(request.params.id, reply))) return reply;
      streamRunEvents(queue, request, reply);
      return reply;
    },
  );

  app.get<{ Params: { id: string; name: string } }>(
    '/runs/:id/files/:name',
    {
      config: { scope: 'read' },
      schema: {
        params: {
          type: 'object',
          properties: { id: { type: 'string', maxLength: 64 }, name: { type: 'string', maxLength: 255 } },
          required: ['id', 'name'],
        },
        description: 'A file of a succeeded run, streamed (Range requests answered)',
      },
    },
    async (request, reply) => {
      const run = await runOr404(request.params.id, reply);
      if (!run) return reply;
      // Only a file the run recorded, by its base name; then through the data-path guard.
      const file = (run.exports ?? []).flatMap((e) => e.files).find((f) => basename(f) === request.params.name);
      if (!file) return reply.code(404).send({ error: `run ${run.id} has no file ${request.params.name}` });
      const path = dataPaths.resolve(relative(dataPaths.root, file), `file ${request.params.name}`);
      const sent = await send(request.raw, `/${encodeURIComponent(basename(path))}`, {
        root: dirname(path),
        dotfiles: 'deny',
      });
      if (sent.type !== 'file')
        return reply.code(sent.statusCode === 404 ? 404 : 500).send({ error: `file ${request.params.name} is gone` });
      return reply
        .code(sent.statusCode)
        .headers({ ...sent.headers, 'content-disposition': `attachment; filename="${basename(path)}"` })
        .send(sent.stream);
    },
  );

  return app;
}

/** A template's problems, with lines; a template that does not parse gives its reading problems. */
async function problemsOf(file: string, validate: () => Promise<TemplateIssue[]>): Promise<TemplateIssue[]> {
  let issues: TemplateIssue[];
  try {
    issues = await validate();
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    issues = error.issues;
  }
  // Absolute paths of the server are not the client's business: the template's file name.
  return issues.map((issue) => ({ ...issue, file }));
}

/** Writes the run as it changes, as server-sent events, until it ends or the client goes. */
function streamRunEvents(queue: RunQueue, request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) {
  reply.hijack();
  reply.raw.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  let last = '';
  let open = true;
  request.raw.on('close', () => (open = false));
  const tick = async () => {
    while (open) {
      const run = await queue.status(request.params.id);
      const text = JSON.stringify(run);
      if (text !== last) reply.raw.write(`event: run\ndata: ${text}\n\n`);
      last = text;
      if (!run || ['succeeded', 'failed', 'cancelled'].includes(run.state)) break;
      await new Promise((resolve) => setTimeout(resolve, EVENTS_POLL_MS));
    }
    reply.raw.end();
  };
  tick().catch(() => reply.raw.end());
}

/** A stored template's model: a file of the folder by its path (as `exportkit validate` reads it), a stored version from its text. */
function configOf(template: TemplateText): string | ExportConfig {
  return template.version === undefined ? template.file : parseTemplate(template.text, template.file, template.format);
}
