import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claimName, DataPaths, FileJournal, type Manifest, type PostProcessContext } from '@exportkit/core';
import { filesUnder, NOW, steps } from './support/steps.js';

/*
 * Final names are claimed atomically: many runs choosing a name in one folder at the same
 * instant (here: the steps of RUNS runs racing in one process) each get their own file, and
 * none replaces a file it did not create.
 */

const RUNS = 8;
const ALL = Array.from({ length: RUNS }, (_, i) => `run ${i + 1}`);

describe('pipeline: names are claimed atomically', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'exportkit-claims-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Run `n`'s context: its own work folder holding demo.csv with the content `run n`. */
  function context(n: number): PostProcessContext {
    const workDir = join(dir, '.exportkit-work', `run-${n}`);
    mkdirSync(workDir, { recursive: true });
    writeFileSync(join(workDir, 'demo.csv'), `run ${n}`);
    return {
      exportGuid: `run ${n}`,
      exportName: 'demo',
      provider: 'demo',
      now: NOW,
      timeZone: 'UTC',
      paths: new DataPaths(dir),
      workDir,
      journal: new FileJournal(),
      files: [{ path: join(workDir, 'demo.csv'), rows: 0, format: 'CSV' }],
      timings: {},
      rows: 0,
      warn: () => undefined,
      log: () => undefined,
      manifest: async () => ({}) as Manifest,
    };
  }

  /** Runs the same step in RUNS contexts at once. */
  async function race(step: (ctx: PostProcessContext) => Promise<void>): Promise<PostProcessContext[]> {
    const contexts = Array.from({ length: RUNS }, (_, i) => context(i + 1));
    await Promise.all(contexts.map(step));
    return contexts;
  }

  const visible = (folder: string) => filesUnder(join(dir, folder)).filter((f) => !f.startsWith('.'));
  const contents = (folder: string) =>
    visible(folder)
      .map((f) => readFileSync(join(dir, folder, f), 'utf8'))
      .sort();
  const zipped = (folder: string) =>
    visible(folder)
      .map((f) => execFileSync('unzip', ['-p', join(dir, folder, f), 'demo.csv'], { encoding: 'utf8' }))
      .sort();

  it('claimName: racing claims of one name get name, name-2 … each, and never replace a file', async () => {
    writeFileSync(join(dir, 'taken.txt'), 'earlier');
    const sources = ALL.map((text, i) => {
      const source = join(dir, `.source-${i}`);
      writeFileSync(source, text);
      return source;
    });
    const claimed = await Promise.all(
      sources.map((source) => claimName(source, (i) => join(dir, i === 1 ? 'taken.txt' : `taken-${i}.txt`))),
    );
    expect(new Set(claimed).size).to.equal(RUNS);
    expect(filesUnder(dir)).to.deep.equal(
      ['taken.txt', ...Array.from({ length: RUNS }, (_, i) => `taken-${i + 2}.txt`)].sort(),
    );
    expect(readFileSync(join(dir, 'taken.txt'), 'utf8')).to.equal('earlier');
    expect(contents('.').filter((c) => c !== 'earlier')).to.deep.equal(ALL);
  });

  it('the default package: one zip per run (-2, -3 …), each with its own files', async () => {
    const manifest = { files: [] } as unknown as Manifest;
    await race((ctx) => new steps.DefaultPackage().run({ context: ctx, manifest, outDir: join(dir, 'exports') }));
    expect(visible('exports'))
      .to.have.length(RUNS)
      .and.to.include('demo_20210301-080000.zip')
      .and.to.include(`demo_20210301-080000-${RUNS}.zip`);
    expect(zipped('exports')).to.deep.equal(ALL);
  });

  for (const [title, outputFilePath, first] of [
    ['a %i pattern', 'bundles/pkg_%i', 'pkg_1.zip'],
    ['a fixed name', 'bundles/pkg', 'pkg.zip'],
  ] as const) {
    it(`packager, ${title}: one archive per run, none replaced`, async () => {
      mkdirSync(join(dir, 'bundles'));
      writeFileSync(join(dir, 'bundles', first), 'earlier');
      await race((ctx) => new steps.Packager().run(ctx, { type: 'zip', outputFilePath, removeSources: true }));
      expect(visible('bundles')).to.have.length(RUNS + 1);
      expect(readFileSync(join(dir, 'bundles', first), 'utf8')).to.equal('earlier');
      rmSync(join(dir, 'bundles', first));
      expect(zipped('bundles')).to.deep.equal(ALL);
    });
  }

  for (const [title, fileName, first] of [
    ['a %i pattern', 'report_%i', 'report_1.csv'],
    ['a fixed name', 'report', 'report.csv'],
    ['no fileName', undefined, 'demo.csv'],
  ] as const) {
    it(`moveToFolder, ${title}: every run's file lands under its own name, none replaced`, async () => {
      mkdirSync(join(dir, 'outbox'));
      writeFileSync(join(dir, 'outbox', first), 'earlier');
      await race((ctx) =>
        new steps.MoveToFolder().run(ctx, { folderPath: 'outbox', ...(fileName ? { fileName } : {}) }),
      );
      expect(visible('outbox')).to.have.length(RUNS + 1);
      expect(contents('outbox')).to.deep.equal([...ALL, 'earlier'].sort());
    });
  }

  for (const [title, fileName, first] of [
    ['a %i pattern', '%n_%i.end', 'demo_1.end'],
    ['a fixed name', '%n.end', 'demo.end'],
  ] as const) {
    it(`generateEndFile, ${title}: one marker per run, none replaced`, async () => {
      mkdirSync(join(dir, 'flags'));
      writeFileSync(join(dir, 'flags', first), 'earlier');
      await race((ctx) => new steps.GenerateEndFile().run(ctx, { folderPath: 'flags', fileName, fileContent: '%g' }));
      expect(visible('flags')).to.have.length(RUNS + 1);
      expect(contents('flags')).to.deep.equal([...ALL, 'earlier'].sort());
    });
  }

  it('archive: runs racing to archive one earlier file all succeed; it is archived once, under its own name', async () => {
    mkdirSync(join(dir, 'exports'));
    writeFileSync(join(dir, 'exports', 'demo_20210201-090000.zip'), 'february');
    await race((ctx) => new steps.Archive().run(ctx, { folderPath: 'exports/archive' }));
    expect(filesUnder(join(dir, 'exports'))).to.deep.equal(['archive/demo_20210201-090000.zip']);
    expect(readFileSync(join(dir, 'exports', 'archive', 'demo_20210201-090000.zip'), 'utf8')).to.equal('february');
  });
});
