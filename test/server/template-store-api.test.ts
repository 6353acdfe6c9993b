import { expect } from 'chai';
import { join } from 'node:path';
import { buildHttpApi, TemplateFolder, type QueuedRun } from '@exportkit/server';
import { postgresAvailable, type DatabaseKind } from '../support/databases.js';
import { until } from '../pipeline/support/cli-harness.js';
import { startApiService, type ApiService } from './support/api-service.js';
import { demoTemplate } from '../pipeline/support/steps.js';

/*
 * The API over a database template store (`serve --template-store db`), on PGlite and on
 * PostgreSQL: PUT stores versions with who stored them, GET reads the latest or `?version=N`,
 * /versions lists them, DELETE marks the template deleted, a run records the version it ran
 * (in GET /runs/:id and in export_runs). The folder store answers that it keeps no versions.
 */
for (const kind of ['pglite', 'postgres'] as DatabaseKind[]) {
  const title = `server: the API with templates stored in the database [${kind}]`;
  (kind === 'postgres' && !postgresAvailable ? describe.skip : describe)(
    kind === 'postgres' && !postgresAvailable ? `${title} — skipped: DATABASE_URL is not set` : title,
    function () {
      this.timeout(60_000);
      let service: ApiService;
      let admin = '';
      let editor = '';

      const call = (path: string, token: string, init: RequestInit = {}) =>
        fetch(`${service.base}${path}`, {
          ...init,
          headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) },
        });
      const put = (name: string, token: string, body: string) =>
        call(`/templates/${name}`, token, { method: 'PUT', body, headers: { 'content-type': 'application/yaml' } });

      before(async function () {
        this.timeout(300_000);
        service = await startApiService({ database: kind, demoRows: 20, templates: 'versions' });
        admin = await service.tokens.create('ops-admin', 'admin');
        editor = await service.tokens.create('ops-editor', 'admin');
      });
      after(() => service?.stop());

      it('PUT stores versions (who, when); GET reads the latest or ?version=N; /versions lists them', async () => {
        const first = demoTemplate('', { guid: 'stored', columns: '[itemId, itemLabl]' });
        const second = demoTemplate('', { guid: 'stored', columns: '[itemId, itemLabel]' });
        const stored = await put('nightly', admin, first);
        expect(stored.status).to.equal(200);
        const answer = (await stored.json()) as { version: number; problems: Array<{ file: string; line: number }> };
        expect(answer.version).to.equal(1);
        expect(answer.problems.map((p) => [p.file, p.line])).to.deep.equal([['nightly@v1.yaml', 5]]);
        expect(((await (await put('nightly', editor, second)).json()) as { version: number }).version).to.equal(2);

        const latest = await call('/templates/nightly', admin);
        expect([latest.headers.get('x-template-version'), await latest.text()]).to.deep.equal(['2', second]);
        expect(await (await call('/templates/nightly?version=1', admin)).text()).to.equal(first);
        expect((await call('/templates/nightly?version=7', admin)).status).to.equal(404);
        expect((await call('/templates/nightly?version=zero', admin)).status).to.equal(400);

        const { versions } = (await (await call('/templates/nightly/versions', admin)).json()) as {
          versions: Array<{ version: number; createdBy: string; createdAt: string; deleted: boolean; format: string }>;
        };
        expect(versions.map((v) => [v.version, v.createdBy, v.deleted, v.format])).to.deep.equal([
          [1, 'ops-admin', false, 'yaml'],
          [2, 'ops-editor', false, 'yaml'],
        ]);
        expect(Date.parse(versions[1]!.createdAt)).to.be.closeTo(Date.now(), 60_000);
        expect(await (await call('/templates', admin)).json()).to.deep.equal({ templates: ['nightly'] });
      });

      it('a run records the version it ran: in GET /runs/:id and in export_runs', async () => {
        const queued = await call('/runs', admin, {
          method: 'POST',
          body: JSON.stringify({ template: 'nightly', now: '2026-03-01T00:00:00Z' }),
          headers: { 'content-type': 'application/json' },
        });
        expect(queued.status).to.equal(202);
        const { id } = (await queued.json()) as { id: string };
        let run: QueuedRun | undefined;
        await until(
          async () => {
            run = (await (await call(`/runs/${id}`, admin)).json()) as QueuedRun;
            return run.state === 'succeeded' || run.state === 'failed';
          },
          30_000,
          'the run to end',
        );
        expect(run!.state, run!.error).to.equal('succeeded');
        expect(run!.templateVersion).to.equal(2);
        const row = (await service.scratch
          .knex('exportkit.export_runs')
          .where({ id: run!.exports![0]!.runId })
          .first()) as {
          template_path: string;
        };
        expect(row.template_path).to.equal('nightly@v2.yaml');
      });

      it('DELETE marks it deleted: gone from the list and from runs, its history kept', async () => {
        expect((await call('/templates/nightly', admin, { method: 'DELETE' })).status).to.equal(204);
        expect(await (await call('/templates', admin)).json()).to.deep.equal({ templates: [] });
        const gone = await call('/templates/nightly', admin);
        expect([gone.status, ((await gone.json()) as { error: string }).error]).to.deep.equal([
          404,
          'template "nightly" was deleted (version 3)',
        ]);
        const runGone = await call('/runs', admin, {
          method: 'POST',
          body: JSON.stringify({ template: 'nightly' }),
          headers: { 'content-type': 'application/json' },
        });
        expect(runGone.status).to.equal(404);
        const { versions } = (await (await call('/templates/nightly/versions', admin)).json()) as {
          versions: Array<{ version: number; deleted: boolean; createdBy: string }>;
        };
        expect(versions.map((v) => [v.version, v.deleted, v.createdBy])).to.deep.equal([
          [1, false, 'ops-admin'],
          [2, false, 'ops-editor'],
          [3, true, 'ops-admin'],
        ]);
        expect(await (await call('/templates/nightly?version=2', admin)).text()).to.contain('itemLabel');
      });

      it('a templates folder keeps no versions: /versions and ?version answer 501, saying where they are kept', async () => {
        const folderApp = await buildHttpApi({
          engine: service.engine,
          queue: service.queue,
          templates: new TemplateFolder(join(service.work, 'templates')),
          tokens: service.tokens,
          dataDir: join(service.work, 'data'),
        });
        try {
          const folderBase = await folderApp.listen({ host: '127.0.0.1', port: 0 });
          const versions = await fetch(`${folderBase}/templates/nightly/versions`, {
            headers: { authorization: `Bearer ${admin}` },
          });
          expect(versions.status).to.equal(501);
          expect(((await versions.json()) as { error: string }).error).to.match(
            /keeps no versions.*--template-store db/,
          );
        } finally {
          await folderApp.close();
        }
      });
    },
  );
}
