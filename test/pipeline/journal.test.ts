import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataPaths, FileJournal, removeWorkFolder, type Manifest, type PostProcessContext } from '@exportkit/core';
import { filesUnder, NOW, steps } from './support/steps.js';

describe('pipeline: FileJournal moves and deferred removals', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'exportkit-journal-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content = name) => {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
    return join(dir, name);
  };

  it('a moved file of the run stays the run’s; a moved earlier file goes back on rollback', async () => {
    const journal = new FileJournal();
    const temp = journal.temporaryFor(join(dir, 'new.csv'));
    writeFileSync(temp, 'new');
    await journal.commit(temp, join(dir, 'new.csv'));
    const earlier = file('earlier.csv');
    mkdirSync(join(dir, 'a'));
    execFileSync('mv', [join(dir, 'new.csv'), join(dir, 'a', 'new.csv')]);
    journal.recordMove(join(dir, 'new.csv'), join(dir, 'a', 'new.csv'));
    execFileSync('mv', [earlier, join(dir, 'a', 'earlier.csv')]);
    journal.recordMove(earlier, join(dir, 'a', 'earlier.csv'));
    expect(journal.createdFiles()).to.deep.equal([join(dir, 'a', 'new.csv')]);
    await journal.rollback();
    expect(filesUnder(dir)).to.deep.equal(['earlier.csv']);
  });

  it('removeOnSuccess sets an earlier file aside: deleted when the run ends, restored on rollback', async () => {
    const kept = new FileJournal();
    file('old.csv', 'old');
    await kept.removeOnSuccess(join(dir, 'old.csv'));
    expect(filesUnder(dir))
      .to.have.length(1)
      .and.satisfy((names: string[]) => /^\.old\.csv\.tmp-/.test(names[0]!));
    await kept.rollback();
    expect(readFileSync(join(dir, 'old.csv'), 'utf8')).to.equal('old');

    const gone = new FileJournal();
    await gone.removeOnSuccess(join(dir, 'old.csv'));
    await gone.discardTemporary();
    expect(filesUnder(dir)).to.deep.equal([]);
  });

  it('a file moved and then set aside goes back to where it was first', async () => {
    const journal = new FileJournal();
    const earlier = file('x/old.csv');
    mkdirSync(join(dir, 'archive'));
    execFileSync('mv', [earlier, join(dir, 'archive', 'old.csv')]);
    journal.recordMove(earlier, join(dir, 'archive', 'old.csv'));
    await journal.removeOnSuccess(join(dir, 'archive', 'old.csv'));
    await journal.rollback();
    expect(filesUnder(dir)).to.deep.equal(['x/old.csv']);
  });

  it('rollback removes the folders the run created when they are empty', async () => {
    const journal = new FileJournal();
    mkdirSync(join(dir, 'made', 'deeper'), { recursive: true });
    journal.recordFolder(join(dir, 'made'));
    journal.recordFolder(join(dir, 'made', 'deeper'));
    mkdirSync(join(dir, 'busy'));
    journal.recordFolder(join(dir, 'busy'));
    file('busy/someone-else.txt');
    await journal.rollback();
    expect(existsSync(join(dir, 'made'))).to.equal(false);
    expect(filesUnder(dir)).to.deep.equal(['busy/someone-else.txt']);
  });
});

describe('pipeline: the journal on disk, read back after a crash', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'exportkit-journal-disk-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const owner = { pid: 1, host: 'h', runId: 7, exportGuid: 'g', opened: '2026-01-01T00:00:00Z' };
  const put = (name: string, content = name) => {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
    return join(dir, name);
  };

  it('undo of a read-back journal removes the run’s files and puts an earlier file back', async () => {
    const log = join(dir, 'journal.ndjson');
    const journal = FileJournal.persistent(log, owner);
    const temp = journal.temporaryFor(join(dir, 'out', 'report.csv'));
    put(`out/${temp.split('/').pop()}`, 'new');
    await journal.claim(temp, () => join(dir, 'out', 'report.csv'));
    const earlier = put('old.csv', 'earlier');
    await journal.removeOnSuccess(earlier);
    // The process dies here: what a later run reads back.
    const { owner: read, state } = FileJournal.read(log);
    expect(read).to.deep.include({ runId: 7, exportGuid: 'g' });
    expect(state.undo()).to.deep.equal([]);
    expect(filesUnder(dir)).to.deep.equal(['journal.ndjson', 'old.csv']);
    expect(readFileSync(earlier, 'utf8')).to.equal('earlier');
  });

  it('undo never removes a name that holds another file now, nor moves an earlier file over one', async () => {
    const journal = new FileJournal();
    const temp = journal.temporaryFor(join(dir, 'mine.csv'));
    put(temp.split('/').pop()!, 'mine');
    await journal.claim(temp, () => join(dir, 'mine.csv'));
    rmSync(join(dir, 'mine.csv'));
    put('mine.csv', 'another run’s file of the same name');
    const earlier = put('old.csv', 'earlier');
    await journal.removeOnSuccess(earlier);
    put('old.csv', 'a new file that took the old name');
    const problems = await journal.rollback();
    expect(readFileSync(join(dir, 'mine.csv'), 'utf8')).to.equal('another run’s file of the same name');
    expect(readFileSync(join(dir, 'old.csv'), 'utf8')).to.equal('a new file that took the old name');
    expect(problems.join('\n')).to.match(
      /old\.csv is taken by another file; the earlier file stays at .*\.old\.csv\.tmp-/,
    );
  });

  it('the journal file outlives the run’s end (success or rollback): it goes only with its work folder, so a kill before that leaves a journal to settle', async () => {
    for (const end of ['discardTemporary', 'rollback'] as const) {
      const log = join(dir, `${end}.ndjson`);
      const journal = FileJournal.persistent(log, owner);
      const temp = journal.temporaryFor(join(dir, 'out', `${end}.csv`));
      put(`out/${temp.split('/').pop()}`, 'new');
      await journal.claim(temp, () => join(dir, 'out', `${end}.csv`));
      await journal[end]();
      expect(existsSync(log), end).to.equal(true);
      expect(FileJournal.read(log).owner, end).to.deep.include({ runId: 7 });
    }
  });

  it('a work folder that cannot be renamed for its removal loses its journal first, then goes', async () => {
    const folder = join(dir, 'work', 'demo-0a0b0c0d');
    mkdirSync(folder, { recursive: true });
    FileJournal.persistent(join(folder, 'journal.ndjson'), owner).leaveForRecovery();
    // A non-empty folder under the name it would be renamed to: rename fails (ENOTEMPTY).
    put('work/demo-0a0b0c0d.removing/other.txt', 'not the run’s');
    await removeWorkFolder(folder);
    expect(filesUnder(join(dir, 'work'))).to.deep.equal(['demo-0a0b0c0d.removing/other.txt']);
  });

  it('a last line cut short by the crash is ignored; an unreadable line before others is an error', () => {
    const header = JSON.stringify(owner);
    writeFileSync(join(dir, 'cut.ndjson'), `${header}\n{"t":"temp","path":"${join(dir, 'x')}"}\n{"t":"fol`);
    expect([...FileJournal.read(join(dir, 'cut.ndjson')).state.temporary]).to.deep.equal([join(dir, 'x')]);
    writeFileSync(join(dir, 'bad.ndjson'), `${header}\n{"t":"fol\n{"t":"temp","path":"x"}\n`);
    expect(() => FileJournal.read(join(dir, 'bad.ndjson'))).to.throw(/entry 1 is unreadable/);
  });
});

describe('pipeline: steps with an engine that offers manifest() and whenComplete()', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'exportkit-hooks-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function context(extra: Partial<PostProcessContext> = {}): PostProcessContext {
    const workDir = join(dir, '.exportkit-work', 'run');
    mkdirSync(workDir, { recursive: true });
    writeFileSync(join(workDir, 'demo.csv'), 'a;b\r\n');
    return {
      exportGuid: 'g',
      exportName: 'demo',
      provider: 'demo',
      now: NOW,
      timeZone: 'UTC',
      paths: new DataPaths(dir),
      workDir,
      journal: new FileJournal(),
      files: [{ path: join(workDir, 'demo.csv'), rows: 0, format: 'CSV' }],
      timings: { write: 0.5 },
      rows: 0,
      warn: () => undefined,
      log: () => undefined,
      manifest: async () => ({}) as Manifest,
      ...extra,
    };
  }

  it("packager writes the engine's manifest, with the files it packaged", async () => {
    const engineManifest = {
      engine: { name: 'exportkit', version: '9' },
      columns: [{ name: 'a', header: 'A', type: 'string' }],
      files: [],
    } as unknown as Manifest;
    const ctx = context({ manifest: async () => engineManifest });
    await new steps.Packager().run(ctx, { type: 'zip', outputFilePath: 'p', removeSources: true });
    const manifest = JSON.parse(
      execFileSync('unzip', ['-p', join(dir, 'p.zip'), 'manifest.json'], { encoding: 'utf8' }),
    );
    expect(manifest.engine.version).to.equal('9');
    expect(manifest.columns).to.deep.equal([{ name: 'a', header: 'A', type: 'string' }]);
    expect(manifest.files.map((f: { name: string }) => f.name)).to.deep.equal(['demo.csv']);
    expect(ctx.files).to.deep.equal([{ path: join(dir, 'p.zip'), format: 'zip' }]);
    expect(ctx.journal.createdFiles()).to.deep.equal([join(dir, 'p.zip')]);
  });

  it('generateEndFile hands its writing to whenComplete, resolving its folder at once', async () => {
    const deferred: Array<() => Promise<void>> = [];
    const ctx = context({ whenComplete: (work) => deferred.push(work) });
    await new steps.GenerateEndFile().run(ctx, { fileName: '%n.end', folderPath: 'flags', fileContent: 'ok %y' });
    expect(existsSync(join(dir, 'flags'))).to.equal(false);
    expect(deferred).to.have.length(1);
    await deferred[0]!();
    expect(readFileSync(join(dir, 'flags', 'demo.end'), 'utf8')).to.equal('ok 2021');

    const refused = context({ whenComplete: (work) => deferred.push(work) });
    const outside = symlinkOutside(join(dir, 'link'));
    const error = await new steps.GenerateEndFile().run(refused, { fileName: 'x', folderPath: 'link' }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).to.match(/^generateEndFile\.folderPath: "link" leads through a symbolic link/);
    expect(deferred).to.have.length(1);
    rmSync(outside, { recursive: true, force: true });
  });
});

function symlinkOutside(at: string): string {
  const outside = mkdtempSync(join(tmpdir(), 'exportkit-hooks-outside-'));
  symlinkSync(outside, at);
  return outside;
}
