import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import autocannon from 'autocannon';
import type { QueuedRun } from '@exportkit/server';
import { startApiService, type ApiService } from './support/api-service.js';
import { demoTemplate } from '../pipeline/support/steps.js';

/*
 * The HTTP API over a real socket on 127.0.0.1, with the in-process queue on PGlite: tokens and
 * scopes, templates stored and validated with lines, a run queued, followed by server-sent events
 * to its end, its package downloaded whole and by range, and a bounded load test.
 */
describe('server: the HTTP API on 127.0.0.1', function () {
  this.timeout(60_000);
  let service: ApiService;
  const token: Record<'read' | 'run' | 'admin', string> = { read: '', run: '', admin: '' };

  const call = (path: string, scope: keyof typeof token | undefined, init: RequestInit = {}) =>
    fetch(`${service.base}${path}`, {
      ...init,
      headers: { ...(scope ? { authorization: `Bearer ${token[scope]}` } : {}), ...(init.headers ?? {}) },
    });
  const json = async (response: Response) => (await response.json()) as Record<string, unknown>;

  before(async function () {
    this.timeout(300_000);
    service = await startApiService({ database: 'pglite', demoRows: 40, templates: 'folder' });
    for (const scope of ['read', 'run', 'admin'] as const)
      token[scope] = await service.tokens.create(`test-${scope}`, scope);
  });
  after(() => service?.stop());

  it('needs a bearer token everywhere but /health, and a token of enough scope', async () => {
    expect((await call('/health', undefined)).status).to.equal(200);
    const missing = await call('/templates', undefined);
    expect(missing.status).to.equal(401);
    expect(missing.headers.get('www-authenticate')).to.equal('Bearer');
    expect(
      (await fetch(`${service.base}/templates`, { headers: { authorization: 'Bearer ek_guessed' } })).status,
    ).to.equal(401);
    expect((await call('/templates', 'read')).status).to.equal(200);
    const put = await call('/templates/demo', 'run', {
      method: 'PUT',
      body: 'exports: []',
      headers: { 'content-type': 'application/yaml' },
    });
    expect(put.status).to.equal(403);
    expect((await json(put))['error']).to.match(/scope admin/);
    const schedules = await call('/schedules', 'read');
    expect(schedules.status, 'schedules on PGlite').to.equal(501);
    expect((await json(schedules))['error']).to.match(/need PostgreSQL/);
    const openapi = await json(await call('/openapi.json', 'read'));
    expect(Object.keys(openapi['paths'] as object)).to.include.members([
      '/runs',
      '/templates/{name}',
      '/runs/{id}/files/{name}',
    ]);
  });

  it('stores a template and answers its problems with lines; validates text as typed', async () => {
    const typo = demoTemplate('', { guid: 'http-demo', columns: '[itemId, itemLabl]' });
    const stored = await call('/templates/demo', 'admin', {
      method: 'PUT',
      body: typo,
      headers: { 'content-type': 'application/yaml' },
    });
    expect(stored.status).to.equal(200);
    const [issue] = (await json(stored))['problems'] as Array<{ file: string; line: number; suggestion?: string }>;
    expect(issue).to.include({ file: 'demo.yaml', line: 5, suggestion: 'itemLabel' });

    const typed = await call('/templates/demo/validate', 'read', {
      method: 'POST',
      body: demoTemplate('', { guid: 'http-demo', columns: '[itemId, itemLabel]' }),
      headers: { 'content-type': 'application/yaml' },
    });
    expect((await json(typed))['problems']).to.deep.equal([]);
    const fixed = demoTemplate('', { guid: 'http-demo', columns: '[itemId, itemLabel]' });
    await call('/templates/demo', 'admin', {
      method: 'PUT',
      body: fixed,
      headers: { 'content-type': 'application/yaml' },
    });
    expect(await (await call('/templates/demo', 'read')).text()).to.equal(fixed);
    expect(await json(await call('/templates', 'read'))).to.deep.equal({ templates: ['demo'] });
    expect((await call('/templates/..%2Fetc', 'read')).status, 'a name with a path').to.equal(400);
    expect((await call('/templates/missing', 'read')).status).to.equal(404);
  });

  it('runs a template: 202, events to its end, its package whole and by range', async () => {
    const refused = [
      await call('/runs', 'run', {
        method: 'POST',
        body: JSON.stringify({ template: 'missing' }),
        headers: { 'content-type': 'application/json' },
      }),
      await call('/runs', 'run', {
        method: 'POST',
        body: JSON.stringify({ template: 'demo', now: '2021-02-30' }),
        headers: { 'content-type': 'application/json' },
      }),
      await call('/runs', 'read', {
        method: 'POST',
        body: JSON.stringify({ template: 'demo' }),
        headers: { 'content-type': 'application/json' },
      }),
    ];
    expect(refused.map((r) => r.status)).to.deep.equal([404, 400, 403]);

    const queued = await call('/runs', 'run', {
      method: 'POST',
      body: JSON.stringify({ template: 'demo', now: '2021-03-01T08:00:00Z' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(queued.status).to.equal(202);
    const { id } = (await queued.json()) as { id: string };
    expect(queued.headers.get('location')).to.equal(`/runs/${id}`);

    // Server-sent events until the run ends (the stream closes then).
    const events = await call(`/runs/${id}/events`, 'read');
    expect(events.headers.get('content-type')).to.equal('text/event-stream');
    const states = (await events.text())
      .split('\n\n')
      .filter((block) => block.startsWith('event: run'))
      .map((block) => (JSON.parse(block.split('data: ')[1]!) as QueuedRun).state);
    expect(states.at(-1)).to.equal('succeeded');

    const run = (await json(await call(`/runs/${id}`, 'read'))) as unknown as QueuedRun;
    const zip = run.exports![0]!.files[0]!;
    const whole = await call(`/runs/${id}/files/${basename(zip)}`, 'read');
    expect(whole.status).to.equal(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(readFileSync(zip))).to.equal(true);
    const part = await call(`/runs/${id}/files/${basename(zip)}`, 'read', { headers: { range: 'bytes=0-9' } });
    expect(part.status).to.equal(206);
    expect(part.headers.get('content-range')).to.match(/^bytes 0-9\//);
    expect(Buffer.from(await part.arrayBuffer()).equals(readFileSync(zip).subarray(0, 10))).to.equal(true);
    expect((await call(`/runs/${id}/files/..%2F..%2Fetc%2Fpasswd`, 'read')).status, 'not a file of the run').to.equal(
      404,
    );

    const listed = (await json(await call('/runs?state=succeeded&template=demo', 'read')))['runs'] as QueuedRun[];
    expect(listed.map((r) => r.id)).to.include(id);
    expect((await call('/runs?limit=0', 'read')).status).to.equal(400);
    expect((await call(`/runs/${id}/cancel`, 'run', { method: 'POST' })).status, 'an ended run').to.equal(409);
    expect((await call('/runs/no-such-run', 'read')).status).to.equal(404);
  });

  it('shows a running run’s progress, and cancels it', async () => {
    const slow = demoTemplate('    postProcess:\n      - pauseStep: { ms: 60000 }', { guid: 'http-slow' });
    await call('/templates/slow', 'admin', {
      method: 'PUT',
      body: slow,
      headers: { 'content-type': 'application/yaml' },
    });
    const queued = await call('/runs', 'run', {
      method: 'POST',
      body: JSON.stringify({ template: 'slow' }),
      headers: { 'content-type': 'application/json' },
    });
    const { id } = (await queued.json()) as { id: string };
    let run: QueuedRun | undefined;
    const end = Date.now() + 10_000;
    while (Date.now() < end && !(run?.state === 'running' && run.progress?.phase === 'consolidate'))
      run = (await json(await call(`/runs/${id}`, 'read'))) as unknown as QueuedRun;
    expect(run!.progress).to.deep.include({ export: 'demo', rows: 40, phase: 'consolidate' });
    expect((await call(`/runs/${id}/cancel`, 'run', { method: 'POST' })).status).to.equal(200);
    expect(((await json(await call(`/runs/${id}`, 'read'))) as unknown as QueuedRun).state).to.equal('cancelled');
    await call('/templates/slow', 'admin', { method: 'DELETE' });
  });

  it('describes the registry at /catalogue, and deletes a template', async () => {
    const catalogue = (await json(await call('/catalogue', 'read'))) as { providers: Array<{ name: string }> };
    expect(catalogue.providers.map((p) => p.name)).to.include('demo');
    expect((await call('/templates/demo', 'admin', { method: 'DELETE' })).status).to.equal(204);
    expect((await call('/templates/demo', 'read')).status).to.equal(404);
  });

  it('a bounded load test (2 s, 10 connections, loopback): every answer a 200', async () => {
    const result = await autocannon({
      url: `${service.base}/runs?limit=20`,
      connections: 10,
      duration: 2,
      headers: { authorization: `Bearer ${token.read}` },
    });
    process.stderr.write(
      `      load: GET /runs — ${result.requests.average} req/s average, latency p50 ${result.latency.p50} ms, ` +
        `p99 ${result.latency.p99} ms, ${result.requests.total} requests, ${result.non2xx} non-2xx, ${result.errors} errors\n`,
    );
    expect(result.errors).to.equal(0);
    expect(result.non2xx).to.equal(0);
    expect(result.requests.total).to.be.above(0);
  });
});
