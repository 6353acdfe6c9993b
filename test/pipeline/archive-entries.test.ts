import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DataPaths, FileJournal, type PostProcessContext, type Manifest } from '@exportkit/core';
import { failureOf, filesUnder, NOW, steps } from './support/steps.js';

/*
 * Zip-slip: a file of a packager input folder named `a\..\..\..\b.txt` must not become the entry
 * `a/../../../b.txt`. Entry names are normalised as extractors read them (`\` is a separator),
 * refused when they would climb out, and the manifest lists exactly the entries written.
 */

const list = (command: string, args: string[]) =>
  execFileSync(command, args, { encoding: 'utf8' }).trim().split('\n').sort();
const ENTRIES = {
  zip: (path: string) => list('unzip', ['-Z1', path]),
  tgz: (path: string) => list('tar', ['-tzf', path]),
} as const;
const MANIFEST = {
  zip: (path: string) => execFileSync('unzip', ['-p', path, 'manifest.json'], { encoding: 'utf8' }),
  tgz: (path: string) => execFileSync('tar', ['-xzOf', path, 'manifest.json'], { encoding: 'utf8' }),
} as const;

describe('pipeline: archive entry names', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'exportkit-entries-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const put = (name: string, content = name) => {
    mkdirSync(dirname(join(dir, 'in', name)), { recursive: true });
    writeFileSync(join(dir, 'in', name), content);
  };
  function context(): PostProcessContext {
    const workDir = join(dir, '.exportkit-work', 'run');
    mkdirSync(workDir, { recursive: true });
    return {
      exportGuid: 'g',
      exportName: 'demo',
      provider: 'demo',
      now: NOW,
      timeZone: 'UTC',
      paths: new DataPaths(dir),
      workDir,
      journal: new FileJournal(),
      files: [],
      timings: {},
      rows: 0,
      warn: () => undefined,
      log: () => undefined,
      manifest: async () => ({}) as Manifest,
    };
  }
  const pack = (type: 'zip' | 'tgz') =>
    new steps.Packager().run(context(), {
      type,
      inputFolderPath: 'in',
      outputFilePath: 'bundles/pkg',
      removeSources: false,
    });

  for (const type of ['zip', 'tgz'] as const) {
    it(`${type}: a file whose name climbs out (a\\..\\..\\..\\b.txt) is refused, naming it; no archive is written`, async () => {
      put('ok.txt');
      put('a\\..\\..\\..\\b.txt');
      const error = await failureOf(pack(type));
      expect(error?.message).to.equal(
        'packager.inputFolderPath "in": the file "a\\..\\..\\..\\b.txt" would be the archive entry "../../b.txt", which climbs out of the archive; rename it',
      );
      expect(filesUnder(dir)).to.deep.equal(['in/a\\..\\..\\..\\b.txt', 'in/ok.txt']);
    });

    it(`${type}: names are normalised (\\ is a separator, .. folds in) and the manifest lists exactly the entries written`, async () => {
      put('sub\\x.txt');
      put('c/d.txt');
      put('e\\..\\f.txt');
      await pack(type);
      const archive = join(dir, 'bundles', `pkg.${type}`);
      const entries = ENTRIES[type](archive);
      expect(entries).to.deep.equal(['c/d.txt', 'f.txt', 'manifest.json', 'sub/x.txt']);
      const manifest = JSON.parse(MANIFEST[type](archive)) as { files: Array<{ name: string }> };
      expect([...manifest.files.map((f) => f.name), 'manifest.json'].sort()).to.deep.equal(entries);
    });

    it(`${type}: two files normalised to one entry (g\\h.txt and g/h.txt) are refused`, async () => {
      put('g\\h.txt');
      put('g/h.txt');
      const error = await failureOf(pack(type));
      expect(error?.message).to.equal(
        'packager.inputFolderPath "in": two files would both be the archive entry "g/h.txt"; rename one',
      );
      expect(filesUnder(join(dir, 'bundles'))).to.deep.equal([]);
    });
  }
});
