import { expect } from 'chai';
import { InvalidTemplateNameError, TemplateVersions, UnknownTemplateError } from '@exportkit/server';
import { postgresAvailable, scratchDatabase, type DatabaseKind, type ScratchDatabase } from '../support/databases.js';

/*
 * Templates stored in the database, versioned (`serve --template-store db`): each store a new
 * version with who and when, older versions readable, a deletion a version of its own; on the
 * embedded PGlite and on PostgreSQL.
 */
const YAML = 'provider: consolidatedTracking\ncolumns: [candidateId]\n';
const XML =
  '<providers><consolidatedTrackingProvider><columns><candidateId/></columns></consolidatedTrackingProvider></providers>\n';

for (const kind of ['pglite', 'postgres'] as DatabaseKind[]) {
  const title = `server: templates stored in the database, versioned [${kind}]`;
  (kind === 'postgres' && !postgresAvailable ? describe.skip : describe)(
    kind === 'postgres' && !postgresAvailable ? `${title} — skipped: DATABASE_URL is not set` : title,
    function () {
      this.timeout(60_000);
      let scratch: ScratchDatabase;
      let store: TemplateVersions;
      before(async function () {
        this.timeout(300_000);
        scratch = await scratchDatabase(kind);
        store = new TemplateVersions(scratch.knex);
      });
      after(() => scratch?.dispose());

      const refusal = (promise: Promise<unknown>) =>
        promise.then(
          () => expect.fail('expected a refusal'),
          (error: unknown) => error as Error,
        );

      it('each store is a new version (who, when, format); the latest is read unless a version is asked', async () => {
        const before = Date.now();
        const first = await store.store('nightly', YAML, 'alice');
        const second = await store.store('nightly', XML, 'bob');
        expect([first.version, first.format, first.createdBy]).to.deep.equal([1, 'yaml', 'alice']);
        expect([second.version, second.format, second.createdBy]).to.deep.equal([2, 'xml', 'bob']);
        expect(second.createdAt.getTime()).to.be.within(before - 5000, Date.now() + 5000);
        expect((await store.read('nightly')).text).to.equal(XML);
        expect((await store.read('nightly', 1)).text).to.equal(YAML);
        expect(
          (await store.versions('nightly')).map((v) => [v.version, v.format, v.createdBy, v.deleted]),
        ).to.deep.equal([
          [1, 'yaml', 'alice', false],
          [2, 'xml', 'bob', false],
        ]);
        expect(await store.names()).to.deep.equal(['nightly']);
      });

      it('a deletion is a version: the name is gone from the list, its history stays, a new store continues the numbering', async () => {
        await store.store('weekly', YAML, 'alice');
        const deletion = await store.delete('weekly', 'carol');
        expect([deletion.version, deletion.deleted, deletion.createdBy]).to.deep.equal([2, true, 'carol']);
        expect(await store.names()).to.deep.equal(['nightly']);
        expect((await refusal(store.read('weekly'))).message).to.equal('template "weekly" was deleted (version 2)');
        expect((await store.read('weekly', 1)).text).to.equal(YAML);
        expect(await refusal(store.read('weekly', 2))).to.be.instanceOf(UnknownTemplateError);
        expect(await refusal(store.delete('weekly', 'carol'))).to.be.instanceOf(UnknownTemplateError);
        expect((await store.store('weekly', XML, 'dave')).version).to.equal(3);
        expect(await store.names()).to.deep.equal(['nightly', 'weekly']);
      });

      it('unknown names and versions, and names that are no file names, are refused saying why', async () => {
        expect((await refusal(store.read('missing'))).message).to.equal('template "missing": none is stored');
        expect((await refusal(store.read('nightly', 9))).message).to.equal('template "nightly" has no version 9');
        expect(await refusal(store.store('../etc/passwd', YAML, 'eve'))).to.be.instanceOf(InvalidTemplateNameError);
        expect(await store.versions('missing')).to.deep.equal([]);
      });

      it('stores of one name at once each get their own version', async () => {
        const stored = await Promise.all(
          Array.from({ length: 8 }, (_, i) => store.store('busy', `${YAML}# ${i}\n`, `writer-${i}`)),
        );
        expect(stored.map((s) => s.version).sort((a, b) => a - b)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8]);
        expect(await store.versions('busy')).to.have.length(8);
      });
    },
  );
}
