import { expect } from 'chai';
import { mkdtempSync, mkdirSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TemplateError } from '@exportkit/core';
import { scratchDatabase, postgresAvailable, type ScratchDatabase } from '../support/databases.js';
import { createDemoTables } from '../support/demo-data.js';
import { demoTemplate, engineFor, failureOf, filesUnder, NOW, yaml } from './support/steps.js';

/** Every path option of the file steps, and the template lines that set it to `path`. */
const PATH_OPTIONS: Array<{ option: string; lines: (path: string) => string }> = [
  {
    option: 'moveToFolder.folderPath',
    lines: (p) => `    consolidators:\n      - moveToFolder: { folderPath: "${p}" }`,
  },
  { option: 'archive.folderPath', lines: (p) => `    consolidators:\n      - archive: { folderPath: "${p}" }` },
  {
    option: 'archive.sourceFolderPath',
    lines: (p) => `    consolidators:\n      - archive: { sourceFolderPath: "${p}" }`,
  },
  {
    option: 'generateEndFile.folderPath',
    lines: (p) => `    consolidators:\n      - generateEndFile: { folderPath: "${p}" }`,
  },
  {
    option: 'cleanFolder.dataFolderPath',
    lines: (p) => `    consolidators:\n      - cleanFolder: { dataFolderPath: "${p}", cleanOlderThan: 0 }`,
  },
  {
    option: 'packager.inputFolderPath',
    lines: (p) => `    postProcess:\n      - packager: { inputFolderPath: "${p}" }`,
  },
  {
    option: 'packager.outputFilePath',
    lines: (p) => `    postProcess:\n      - packager: { outputFilePath: "${p}/pkg" }`,
  },
];

for (const kind of ['pglite', 'postgres'] as const) {
  const title = `pipeline: path safety [${kind}]`;
  (kind === 'postgres' && !postgresAvailable ? describe.skip : describe)(
    kind === 'postgres' && !postgresAvailable ? `${title} — skipped: DATABASE_URL is not set` : title,
    () => {
      let db: ScratchDatabase;
      let dataDir: string;
      let outside: string;
      before(async () => {
        db = await scratchDatabase(kind);
        await createDemoTables(db.knex, 5);
      });
      after(async () => db?.dispose());
      beforeEach(() => {
        dataDir = mkdtempSync(join(tmpdir(), 'exportkit-paths-'));
        outside = mkdtempSync(join(tmpdir(), 'exportkit-outside-'));
        // An old file of the export outside: archive, cleanFolder and packager must not touch it.
        writeFileSync(join(outside, 'demo_20200101.csv'), 'outside');
        const old = new Date(NOW.getTime() - 400 * 86_400_000);
        utimesSync(join(outside, 'demo_20200101.csv'), old, old);
      });
      afterEach(() => {
        rmSync(dataDir, { recursive: true, force: true });
        rmSync(outside, { recursive: true, force: true });
      });

      const runsOf = (guid: string) => db.knex('exportkit.export_runs').where({ export_guid: guid }).orderBy('id');

      for (const { option, lines } of PATH_OPTIONS) {
        const guid = `paths-${option.replace('.', '-')}`;

        it(`${option}: an absolute path is refused before any query, naming the option`, async () => {
          const error = await failureOf(
            engineFor(db.knex, dataDir).run(yaml(demoTemplate(lines(join(outside, 'x')), { guid }))),
          );
          expect(error).to.be.instanceOf(TemplateError);
          expect(error!.message)
            .to.contain(`${option}: "${join(outside, 'x')}`)
            .and.to.contain('is absolute');
          expect(await runsOf(guid)).to.deep.equal([]);
          expect(filesUnder(dataDir)).to.deep.equal([]);
          expect(readdirSync(outside)).to.deep.equal(['demo_20200101.csv']);
        });

        it(`${option}: a path climbing out with .. is refused before any query`, async () => {
          const error = await failureOf(
            engineFor(db.knex, dataDir).run(yaml(demoTemplate(lines('exports/../../x'), { guid }))),
          );
          expect(error).to.be.instanceOf(TemplateError);
          expect(error!.message).to.contain(`${option}: "exports/../../x`).and.to.contain('leaves the data directory');
          expect(await runsOf(guid)).to.deep.equal([]);
          expect(filesUnder(dataDir)).to.deep.equal([]);
        });

        it(`${option}: a symbolic link out of the data directory is refused; nothing is kept, the run is recorded failed`, async () => {
          symlinkSync(outside, join(dataDir, 'link'));
          const error = await failureOf(engineFor(db.knex, dataDir).run(yaml(demoTemplate(lines('link'), { guid }))));
          expect(error?.message)
            .to.contain(`${option}: "link`)
            .and.to.contain('symbolic link out of the data directory');
          expect(filesUnder(dataDir)).to.deep.equal(['link']);
          expect(readdirSync(outside)).to.deep.equal(['demo_20200101.csv']);
          const [run] = await runsOf(guid);
          expect(run.status).to.equal('failed');
          expect(run.error).to.equal(error!.message);
        });
      }

      it('accepts a .. that stays inside the data directory, and a symbolic link that stays inside', async () => {
        mkdirSync(join(dataDir, 'real'));
        symlinkSync(join(dataDir, 'real'), join(dataDir, 'inside'));
        await engineFor(db.knex, dataDir).run(
          yaml(
            demoTemplate(
              '    consolidators:\n      - moveToFolder: { folderPath: "x/../inside" }\n    postProcess:\n      - packager: { outputFilePath: inside/pkg, removeSources: no }',
            ),
          ),
        );
        expect(filesUnder(join(dataDir, 'real'))).to.deep.equal(['demo.csv', 'pkg.zip']);
      });

      for (const [option, lines] of [
        [
          'moveToFolder.fileName',
          '    consolidators:\n      - moveToFolder: { folderPath: outbox, fileName: "sub/%n" }',
        ],
        ['generateEndFile.fileName', '    consolidators:\n      - generateEndFile: { fileName: "../%n.end" }'],
        ['fileExportAction.fileName', '    actions:\n      - fileExportAction: { fileName: "..\\\\x.csv" }'],
      ] as const) {
        it(`${option}: a pattern holding a path separator or .. is refused before any query`, async () => {
          const error = await failureOf(engineFor(db.knex, dataDir).run(yaml(demoTemplate(lines))));
          expect(error).to.be.instanceOf(TemplateError);
          expect(error!.message).to.contain(`${option}: pattern`).and.to.contain('path separator or ".."');
          expect(filesUnder(dataDir)).to.deep.equal([]);
        });
      }
    },
  );
}
