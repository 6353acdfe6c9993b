import { expect } from 'chai';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  demoTemplate,
  deliveriesOf,
  describeDelivery,
  expectSecretNowhere,
  failureOf,
  filesUnder,
  lastRun,
  QUICK_RETRY,
  yaml,
} from './support/delivery-suite.js';

interface Captured {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: URLSearchParams;
}

/** A local HTTP server on a loopback port (a free one by default), answering with `reply` and capturing each request. */
async function callbackServer(
  reply: (request: Captured, n: number) => number | 'hang' | 'drop',
  port = 0,
): Promise<{ url: string; requests: Captured[]; close(): Promise<void> }> {
  const requests: Captured[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => {
      const captured = {
        method: req.method!,
        url: new URL(req.url!, 'http://127.0.0.1'),
        headers: req.headers,
        body: new URLSearchParams(text),
      };
      requests.push(captured);
      const answer = reply(captured, requests.length);
      if (answer === 'hang') return;
      if (answer === 'drop') return void req.socket.destroy();
      res.writeHead(answer).end();
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((ok) => server.listen(port, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/export`,
    requests,
    close: () =>
      new Promise<void>((ok) => {
        for (const s of sockets) s.destroy();
        server.close(() => ok());
      }),
  };
}

const withCallback = (url: string, extra = '') =>
  demoTemplate(['    postProcess:', `      - callBackUrl: { url: "${url}"${extra} }`].join('\n'));

describeDelivery(
  'delivery: callBackUrl against a local HTTP server',
  (env) => {
    it('POSTs the run id, files and fields once the package is written, with an idempotency key', async () => {
      const server = await callbackServer(() => 204);
      try {
        const result = await env
          .engine({ retry: QUICK_RETRY })
          .run(
            yaml(
              withCallback(
                server.url,
                ', fields: ["token=abc", "site=lyon"], joinFileList: { folderPath: exports, fieldName: packages }',
              ),
            ),
          );
        const run = result.exports[0]!;
        expect(server.requests).to.have.length(1);
        const request = server.requests[0]!;
        expect(request.method).to.equal('POST');
        expect(request.url.pathname).to.equal('/hooks/export');
        expect(request.headers['idempotency-key']).to.equal(`exportkit-run-${run.runId}`);
        expect(Object.fromEntries(request.body)).to.deep.equal({
          runId: String(run.runId),
          export: 'demo',
          status: 'succeeded',
          rows: '5',
          files: 'demo_20210301-090000.zip',
          token: 'abc',
          site: 'lyon',
          packages: 'demo_20210301-090000.zip',
        });
        expect(run.deliveries).to.deep.equal([
          {
            step: 'callBackUrl',
            target: `POST ${new URL(server.url).origin}/hooks/export`,
            status: 'succeeded',
            attempts: 1,
          },
        ]);
        expect(await deliveriesOf(env.db.knex, run.runId)).to.deep.equal([
          {
            run_id: run.runId,
            step: 'callBackUrl',
            target: `POST ${new URL(server.url).origin}/hooks/export`,
            attempts: 1,
            status: 'succeeded',
            error: null,
          },
        ]);
        expect((await lastRun(env.db.knex))['status']).to.equal('succeeded');
      } finally {
        await server.close();
      }
    });

    it('GET puts the fields in the query string', async () => {
      const server = await callbackServer(() => 200);
      try {
        await env.engine({ retry: QUICK_RETRY }).run(yaml(withCallback(server.url, ', method: GET, fields: ["a=1"]')));
        expect(server.requests[0]!.method).to.equal('GET');
        expect(server.requests[0]!.url.searchParams.get('a')).to.equal('1');
        expect(server.requests[0]!.url.searchParams.get('export')).to.equal('demo');
      } finally {
        await server.close();
      }
    });

    it('a 5xx is tried again with backoff, then fails the run: files kept, message names step and target', async () => {
      const server = await callbackServer(() => 503);
      try {
        const error = await failureOf(env.engine({ retry: QUICK_RETRY }).run(yaml(withCallback(server.url))));
        expect(server.requests).to.have.length(2);
        expect(error?.message).to.match(
          /^demo: callBackUrl to POST http:\/\/127\.0\.0\.1:\d+\/hooks\/export failed after 2 attempt\(s\): the server replied 503 Service Unavailable/,
        );
        expect(error?.message).to.contain('--retry-delivery');
        expect(filesUnder(env.dataDir)).to.deep.equal(['exports/demo_20210301-090000.zip']);
        const run = await lastRun(env.db.knex);
        expect(run['status']).to.equal('failed');
        expect(run['error']).to.equal(error?.message);
        const [delivery] = await deliveriesOf(env.db.knex, Number(run['id']));
        expect(delivery).to.include({ step: 'callBackUrl', status: 'failed', attempts: 2 });
        expect(env.logLines.filter((l) => l.includes('attempt 1 of 2 failed'))).to.have.length(1);
      } finally {
        await server.close();
      }
    });

    it('a 4xx is not tried again', async () => {
      const server = await callbackServer(() => 404);
      try {
        const error = await failureOf(env.engine({ retry: QUICK_RETRY }).run(yaml(withCallback(server.url))));
        expect(server.requests).to.have.length(1);
        expect(error?.message).to.contain('failed after 1 attempt(s): the server replied 404 Not Found');
      } finally {
        await server.close();
      }
    });

    it('a server that never answers times out, per attempt', async () => {
      const server = await callbackServer(() => 'hang');
      try {
        const started = Date.now();
        const error = await failureOf(
          env.engine({ retry: { attempts: 2, backoffMs: 10, timeoutMs: 300 } }).run(yaml(withCallback(server.url))),
        );
        expect(error?.message).to.contain('failed after 2 attempt(s): timed out after 300 ms');
        expect(Date.now() - started).to.be.below(10_000);
        expect(server.requests).to.have.length(2);
      } finally {
        await server.close();
      }
    });

    it('a peer that closes the socket mid-request, then recovers: the retry gets through', async () => {
      const server = await callbackServer((_r, n) => (n === 1 ? 'drop' : 200));
      try {
        const result = await env.engine({ retry: QUICK_RETRY }).run(yaml(withCallback(server.url)));
        expect(server.requests).to.have.length(2);
        expect(server.requests[0]!.headers['idempotency-key']).to.equal(server.requests[1]!.headers['idempotency-key']);
        expect(result.exports[0]!.deliveries[0]).to.include({ status: 'succeeded', attempts: 2 });
      } finally {
        await server.close();
      }
    });

    it('a peer that is down: refused, the run fails, and --retry-delivery sends it once it is up', async () => {
      const server = await callbackServer(() => 200);
      const url = server.url;
      await server.close();
      const engine = env.engine({ retry: QUICK_RETRY });
      const error = await failureOf(engine.run(yaml(withCallback(url))));
      expect(error?.message).to.match(/callBackUrl to POST .* failed after 2 attempt\(s\): fetch failed/);
      const failed = await lastRun(env.db.knex);
      expect(failed['status']).to.equal('failed');

      const port = Number(new URL(url).port);
      const again = await callbackServer(() => 200, port);
      try {
        const retried = await engine.retryDelivery(Number(failed['id']), yaml(withCallback(url)));
        expect(retried.deliveries).to.deep.include({
          step: 'callBackUrl',
          target: `POST ${new URL(url).origin}/hooks/export`,
          status: 'succeeded',
          attempts: 1,
        });
        expect(again.requests).to.have.length(1);
        expect(again.requests[0]!.body.get('runId')).to.equal(String(failed['id']));
        expect((await lastRun(env.db.knex))['status']).to.equal('succeeded');
        // Delivered already: a second retry sends nothing.
        const second = await engine.retryDelivery(Number(failed['id']), yaml(withCallback(url)));
        expect(second.deliveries.map((d) => d.status)).to.deep.equal(['skipped']);
        expect(again.requests).to.have.length(1);
      } finally {
        await again.close();
      }
    });

    it('refuses at validation a URL that is not http(s) or that holds a password, without showing it', async () => {
      const error = await failureOf(env.engine({}).run(yaml(withCallback('ftp://127.0.0.1/x'))));
      expect(error?.message).to.contain('callBackUrl.url: the scheme ftp: is not allowed; allowed: http, https');
      const secret = await failureOf(env.engine({}).run(yaml(withCallback('https://user:hunter22@127.0.0.1/x'))));
      expect(secret?.message).to.contain('callBackUrl.url: holds a user or password');
      expect(secret?.message).not.to.contain('hunter22');
      await expectSecretNowhere('hunter22', [secret!.message, ...env.logLines], env.dataDir, env.db.knex);
    });
  },
  { bothDatabases: true },
);
