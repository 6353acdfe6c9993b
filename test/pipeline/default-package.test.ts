import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describeOnDemoDatabases } from '../support/demo-suite.js';
import { demoTemplate, engineFor, filesUnder, NOW, yaml } from './support/steps.js';

/*
 * The default package copies the deflated bytes written beside each report file (no second
 * read and compression of the files): what a reader gets out of the zip is the file as written.
 * moveToFolder keeps the files on disk, so each entry can be compared with its file, byte for byte.
 */
describeOnDemoDatabases('pipeline: the default package holds the files as written', (_kind, env) => {
  it('every format, moved to a folder and packaged: each entry is its file, the zip tests clean', async function () {
    this.timeout(30_000);
    const formats = ['CSV', 'TSV', 'XML', 'XLSX', 'JSON', 'NDJSON'];
    const actions = formats.map((format) => `      - fileExportAction: { format: ${format} }`).join('\n');
    const template = yaml(
      demoTemplate(`    actions:\n${actions}\n    consolidators:\n      - moveToFolder: { folderPath: outbox }`, {
        columns: '[itemId, itemLabel, itemAt, itemDay]',
      }),
    );
    const {
      exports: [result],
    } = await engineFor(env.db.knex, env.dataDir).run(template);
    const zip = result!.files.find((f) => f.endsWith('.zip'))!;
    expect(execFileSync('unzip', ['-t', zip], { encoding: 'utf8' })).to.contain('No errors detected');
    const moved = filesUnder(join(env.dataDir, 'outbox'));
    expect(moved).to.have.length(6);
    const entries = execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).trim().split('\n');
    expect([...entries].sort()).to.deep.equal([...moved.map((f) => basename(f)), 'manifest.json'].sort());
    // Dated with the run's now (archiver, compressing again, would date each file by its mtime).
    const pad = (n: number) => String(n).padStart(2, '0');
    const local = `${NOW.getFullYear()}${pad(NOW.getMonth() + 1)}${pad(NOW.getDate())}.${pad(NOW.getHours())}${pad(NOW.getMinutes())}${pad(NOW.getSeconds())}`;
    const dates = execFileSync('unzip', ['-Z', '-T', zip], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => /^[-d]r/.test(l))
      .map((l) => l.split(/\s+/)[6]);
    expect(dates).to.deep.equal(entries.map(() => local));
    for (const file of moved) {
      const entry = execFileSync('unzip', ['-p', zip, basename(file)]);
      expect(entry.equals(readFileSync(join(env.dataDir, 'outbox', file))), file).to.equal(true);
    }
    // Nothing of the deflated copies is left once the run is over.
    expect(filesUnder(env.dataDir).filter((f) => f.includes('.deflate'))).to.deep.equal([]);
  });
});
