import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scratchDatabase, postgresAvailable, type ScratchDatabase } from '../support/databases.js';
import { createDemoTables } from '../support/demo-data.js';
import { demoTemplate, engineFor, filesUnder, xml, yaml } from './support/steps.js';

const list = (command: string, args: string[]) => execFileSync(command, args, { encoding: 'utf8' }).trim().split('\n').sort();
const zipList = (zip: string) => {
  execFileSync('unzip', ['-tq', zip]);
  return list('unzip', ['-Z1', zip]);
};
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

function put(path: string, content: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
}

for (const kind of ['pglite', 'postgres'] as const) {
  const title = `pipeline: packager [${kind}]`;
  (kind === 'postgres' && !postgresAvailable ? describe.skip : describe)(
    kind === 'postgres' && !postgresAvailable ? `${title} — skipped: DATABASE_URL is not set` : title,
    () => {
      let db: ScratchDatabase;
      let dataDir: string;
      before(async () => {
        db = await scratchDatabase(kind);
        await createDemoTables(db.knex, 5);
      });
      after(async () => db?.dispose());
      beforeEach(() => {
        dataDir = mkdtempSync(join(tmpdir(), 'exportkit-packager-'));
      });
      afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

      const run = (extra: string) => engineFor(db.knex, dataDir).run(yaml(demoTemplate(extra)));

      it('zip by default: the report files and manifest.json, in place of the default package', async () => {
        const result = await run('    postProcess:\n      - packager');
        const zip = join(dataDir, 'exports', 'demo_20210301-090000.zip');
        expect(result.exports[0]!.files).to.deep.equal([zip]);
        expect(filesUnder(dataDir)).to.deep.equal(['exports/demo_20210301-090000.zip']);
        expect(zipList(zip)).to.deep.equal(['demo.csv', 'manifest.json']);
        const csv = execFileSync('unzip', ['-p', zip, 'demo.csv']);
        const manifest = JSON.parse(execFileSync('unzip', ['-p', zip, 'manifest.json'], { encoding: 'utf8' }));
        expect(manifest.export).to.deep.equal({ guid: 'demo-export', name: 'demo' });
        expect(manifest.provider).to.equal('demo');
        expect(manifest.rows).to.equal(5);
        expect(manifest.now).to.equal('2021-03-01T08:00:00.000Z');
        expect(manifest.files).to.deep.equal([{ name: 'demo.csv', bytes: csv.length, sha256: sha256(csv), rows: 5, format: 'CSV' }]);
        expect(manifest.timings).to.include.keys('query+write', 'write', 'consolidate');
        if (manifest.columns.length) expect(manifest.columns[0]).to.deep.equal({ name: 'itemId', header: 'itemId', type: 'int' });
      });

      it('tar, to a path pattern with folders and %i', async () => {
        const extra = '    postProcess:\n      - packager: { type: tar, outputFilePath: "packages/%y/%n_%i" }';
        await run(extra);
        const second = await run(extra);
        const tar = join(dataDir, 'packages', '2021', 'demo_2.tar');
        expect(second.exports[0]!.files).to.deep.equal([tar]);
        expect(filesUnder(dataDir)).to.deep.equal(['packages/2021/demo_1.tar', 'packages/2021/demo_2.tar']);
        expect(list('tar', ['-tf', tar])).to.deep.equal(['demo.csv', 'manifest.json']);
        expect(execFileSync('tar', ['-xOf', tar, 'demo.csv'], { encoding: 'utf8' }).split('\r\n')[1]).to.equal('1;item 1;Grace');
      });

      it('tgz (gzip-compressed tar, .tgz), in XML', async () => {
        await engineFor(db.knex, dataDir).run(
          xml(`<export-config><export guid="demo-export" name="demo"><providers><demoProvider>
            <columns><itemId/><itemLabel/></columns><parameters><timeZone>Europe/Paris</timeZone></parameters></demoProvider></providers>
            <actions><fileExportAction format="CSV"/><fileExportAction format="XLSX"/></actions>
            <postProcess><packager><type>tgz</type><outputFilePath>out/weekly_%g</outputFilePath></packager></postProcess>
          </export></export-config>`),
        );
        const tgz = join(dataDir, 'out', 'weekly_demo-export.tgz');
        expect(filesUnder(dataDir)).to.deep.equal(['out/weekly_demo-export.tgz']);
        expect(list('tar', ['-tzf', tgz])).to.deep.equal(['demo.csv', 'demo.xlsx', 'manifest.json']);
      });

      it('does not double an extension given in outputFilePath, and replaces an earlier package of that name', async () => {
        put(join(dataDir, 'bundles', 'b.zip'), 'earlier');
        await run('    postProcess:\n      - packager: { outputFilePath: bundles/b.zip }');
        expect(filesUnder(dataDir)).to.deep.equal(['bundles/b.zip']);
        expect(zipList(join(dataDir, 'bundles', 'b.zip'))).to.deep.equal(['demo.csv', 'manifest.json']);
      });

      it('packages a folder (inputFolderPath) and keeps the sources with removeSources: no', async () => {
        put(join(dataDir, 'outbox', 'earlier.txt'), 'earlier');
        put(join(dataDir, 'outbox', 'sub', 'deep.txt'), 'deep');
        const result = await run(
          [
            '    consolidators:',
            '      - moveToFolder: { folderPath: outbox }',
            '    postProcess:',
            '      - packager: { inputFolderPath: outbox, outputFilePath: bundles/all, removeSources: no }',
          ].join('\n'),
        );
        const zip = join(dataDir, 'bundles', 'all.zip');
        expect(zipList(zip)).to.deep.equal(['demo.csv', 'earlier.txt', 'manifest.json', 'sub/deep.txt']);
        expect(filesUnder(dataDir)).to.deep.equal(['bundles/all.zip', 'outbox/demo.csv', 'outbox/earlier.txt', 'outbox/sub/deep.txt']);
        expect(result.exports[0]!.files.sort()).to.deep.equal([zip, join(dataDir, 'outbox', 'demo.csv')]);
        const manifest = JSON.parse(execFileSync('unzip', ['-p', zip, 'manifest.json'], { encoding: 'utf8' }));
        expect(manifest.files.map((f: { name: string }) => f.name)).to.deep.equal(['demo.csv', 'earlier.txt', 'sub/deep.txt']);
        expect(manifest.files[0].rows).to.equal(5);
        expect(manifest.files[1]).to.deep.equal({ name: 'earlier.txt', bytes: 7, sha256: sha256('earlier') });
      });

      it('removes the packaged sources by default, earlier files included', async () => {
        put(join(dataDir, 'outbox', 'earlier.txt'), 'earlier');
        await run(
          [
            '    consolidators:',
            '      - moveToFolder: { folderPath: outbox }',
            '    postProcess:',
            '      - packager: { inputFolderPath: outbox, outputFilePath: "bundles/%n" }',
          ].join('\n'),
        );
        expect(filesUnder(dataDir)).to.deep.equal(['bundles/demo.zip']);
        expect(existsSync(join(dataDir, 'outbox'))).to.equal(true);
        expect(readFileSync(join(dataDir, 'bundles', 'demo.zip')).subarray(0, 2).toString()).to.equal('PK');
      });

      it('refuses a missing input folder, naming the option, and keeps nothing', async () => {
        const error = await run('    postProcess:\n      - packager: { inputFolderPath: nowhere }').then(
          () => undefined,
          (e: Error) => e,
        );
        expect(error?.message).to.match(/packager\.inputFolderPath: folder "nowhere" does not exist/);
        expect(filesUnder(dataDir)).to.deep.equal([]);
      });
    },
  );
}
