import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describeOnDemoDatabases } from '../support/demo-suite.js';
import { demoTemplate, engineFor, filesUnder, xml, yaml } from './support/steps.js';

const list = (command: string, args: string[]) =>
  execFileSync(command, args, { encoding: 'utf8' }).trim().split('\n').sort();
const zipList = (zip: string) => {
  execFileSync('unzip', ['-tq', zip]);
  return list('unzip', ['-Z1', zip]);
};
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

function put(path: string, content: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
}

describeOnDemoDatabases('pipeline: packager', (kind, env) => {
  const run = (extra: string) => engineFor(env.db.knex, env.dataDir).run(yaml(demoTemplate(extra)));

  it('zip by default: the report files and manifest.json, in place of the default package', async () => {
    const result = await run('    postProcess:\n      - packager');
    const zip = join(env.dataDir, 'exports', 'demo_20210301-090000.zip');
    expect(result.exports[0]!.files).to.deep.equal([zip]);
    expect(filesUnder(env.dataDir)).to.deep.equal(['exports/demo_20210301-090000.zip']);
    expect(zipList(zip)).to.deep.equal(['demo.csv', 'manifest.json']);
    const csv = execFileSync('unzip', ['-p', zip, 'demo.csv']);
    const manifest = JSON.parse(execFileSync('unzip', ['-p', zip, 'manifest.json'], { encoding: 'utf8' }));
    expect(manifest.export).to.deep.equal({ guid: 'demo-export', name: 'demo' });
    expect(manifest.provider).to.equal('demo');
    expect(manifest.rows).to.equal(5);
    expect(manifest.now).to.equal('2021-03-01T08:00:00.000Z');
    expect(manifest.files).to.deep.equal([
      { name: 'demo.csv', bytes: csv.length, sha256: sha256(csv), rows: 5, format: 'CSV' },
    ]);
    expect(manifest.timings).to.include.keys('query+write', 'write', 'consolidate');
    if (manifest.columns.length)
      expect(manifest.columns[0]).to.deep.equal({ name: 'itemId', header: 'itemId', type: 'int' });
  });

  it('tar, to a path pattern with folders and %i', async () => {
    const extra = '    postProcess:\n      - packager: { type: tar, outputFilePath: "packages/%y/%n_%i" }';
    await run(extra);
    const second = await run(extra);
    const tar = join(env.dataDir, 'packages', '2021', 'demo_2.tar');
    expect(second.exports[0]!.files).to.deep.equal([tar]);
    expect(filesUnder(env.dataDir)).to.deep.equal(['packages/2021/demo_1.tar', 'packages/2021/demo_2.tar']);
    expect(list('tar', ['-tf', tar])).to.deep.equal(['demo.csv', 'manifest.json']);
    expect(execFileSync('tar', ['-xOf', tar, 'demo.csv'], { encoding: 'utf8' }).split('\r\n')[1]).to.equal(
      '1;item 1;Grace',
    );
  });

  it('tgz (gzip-compressed tar, .tgz), in XML', async () => {
    await engineFor(env.db.knex, env.dataDir).run(
      xml(`<export-config><export guid="demo-export" name="demo"><providers><demoProvider>
        <columns><itemId/><itemLabel/></columns><parameters><timeZone>Europe/Paris</timeZone></parameters></demoProvider></providers>
        <actions><fileExportAction format="CSV"/><fileExportAction format="XLSX"/></actions>
        <postProcess><packager><type>tgz</type><outputFilePath>out/weekly_%g</outputFilePath></packager></postProcess>
      </export></export-config>`),
    );
    const tgz = join(env.dataDir, 'out', 'weekly_demo-export.tgz');
    expect(filesUnder(env.dataDir)).to.deep.equal(['out/weekly_demo-export.tgz']);
    expect(list('tar', ['-tzf', tgz])).to.deep.equal(['demo.csv', 'demo.xlsx', 'manifest.json']);
  });

  it('does not double an extension given in outputFilePath, and numbers a taken name instead of replacing an earlier package', async () => {
    put(join(env.dataDir, 'bundles', 'b.zip'), 'earlier');
    await run('    postProcess:\n      - packager: { outputFilePath: bundles/b.zip }');
    expect(filesUnder(env.dataDir)).to.deep.equal(['bundles/b-2.zip', 'bundles/b.zip']);
    expect(readFileSync(join(env.dataDir, 'bundles', 'b.zip'), 'utf8')).to.equal('earlier');
    expect(zipList(join(env.dataDir, 'bundles', 'b-2.zip'))).to.deep.equal(['demo.csv', 'manifest.json']);
  });

  it('packages a folder (inputFolderPath) and keeps the sources with removeSources: no', async () => {
    put(join(env.dataDir, 'outbox', 'earlier.txt'), 'earlier');
    put(join(env.dataDir, 'outbox', 'sub', 'deep.txt'), 'deep');
    const result = await run(
      [
        '    consolidators:',
        '      - moveToFolder: { folderPath: outbox }',
        '    postProcess:',
        '      - packager: { inputFolderPath: outbox, outputFilePath: bundles/all, removeSources: no }',
      ].join('\n'),
    );
    const zip = join(env.dataDir, 'bundles', 'all.zip');
    expect(zipList(zip)).to.deep.equal(['demo.csv', 'earlier.txt', 'manifest.json', 'sub/deep.txt']);
    expect(filesUnder(env.dataDir)).to.deep.equal([
      'bundles/all.zip',
      'outbox/demo.csv',
      'outbox/earlier.txt',
      'outbox/sub/deep.txt',
    ]);
    expect(result.exports[0]!.files.sort()).to.deep.equal([zip, join(env.dataDir, 'outbox', 'demo.csv')]);
    const manifest = JSON.parse(execFileSync('unzip', ['-p', zip, 'manifest.json'], { encoding: 'utf8' }));
    expect(manifest.files.map((f: { name: string }) => f.name)).to.deep.equal([
      'demo.csv',
      'earlier.txt',
      'sub/deep.txt',
    ]);
    expect(manifest.files[0].rows).to.equal(5);
    expect(manifest.files[1]).to.deep.equal({ name: 'earlier.txt', bytes: 7, sha256: sha256('earlier') });
  });

  it('removes the packaged sources by default, earlier files included', async () => {
    put(join(env.dataDir, 'outbox', 'earlier.txt'), 'earlier');
    await run(
      [
        '    consolidators:',
        '      - moveToFolder: { folderPath: outbox }',
        '    postProcess:',
        '      - packager: { inputFolderPath: outbox, outputFilePath: "bundles/%n" }',
      ].join('\n'),
    );
    expect(filesUnder(env.dataDir)).to.deep.equal(['bundles/demo.zip']);
    expect(existsSync(join(env.dataDir, 'outbox'))).to.equal(true);
    expect(
      readFileSync(join(env.dataDir, 'bundles', 'demo.zip'))
        .subarray(0, 2)
        .toString(),
    ).to.equal('PK');
  });

  it('refuses a missing input folder, naming the option, and keeps nothing', async () => {
    const error = await run('    postProcess:\n      - packager: { inputFolderPath: nowhere }').then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).to.match(/packager\.inputFolderPath: folder "nowhere" does not exist/);
    expect(filesUnder(env.dataDir)).to.deep.equal([]);
  });
});
