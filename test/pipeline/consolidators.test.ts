import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  pipelineStep,
  pluginModule,
  Contribution,
  type PipelineStep,
  type PipelineStepMetadata,
  type RunContext,
} from '@exportkit/core';
import { createEngine } from 'exportkit';
import { describeOnDemoDatabases } from '../support/demo-suite.js';
import { demoTemplate, engineFor, filesUnder, NOW, pipelinePlugins, recorder, xml, yaml } from './support/steps.js';

const DAY = 86_400_000;

function zipEntries(zip: string): string[] {
  execFileSync('unzip', ['-tq', zip]);
  return execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).trim().split('\n').sort();
}

function zipText(zip: string, entry: string): string {
  return execFileSync('unzip', ['-p', zip, entry], { encoding: 'utf8' });
}

function touch(path: string, content: string, ageDays?: number): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  if (ageDays !== undefined) {
    const at = new Date(NOW.getTime() - ageDays * DAY);
    utimesSync(path, at, at);
  }
}

/** A post-process step recording what the end file's folder holds while post-processing runs. */
const seenDuringPostProcess: { endFileThere?: boolean; deferred?: boolean } = {};
@pipelineStep({ name: 'probeStep', phase: 'postProcess', order: 98, description: 'probe (tests)', options: {} })
class ProbeStep extends Contribution<PipelineStepMetadata> implements PipelineStep<RunContext> {
  async run(context: RunContext): Promise<void> {
    seenDuringPostProcess.endFileThere = existsSync(join(context.paths.root, 'flags', 'demo.end'));
    seenDuringPostProcess.deferred = typeof context.whenComplete === 'function';
  }
}

describeOnDemoDatabases('pipeline: consolidators', (kind, env) => {
  const run = (text: string, options: { batchSize?: number } = {}) =>
    engineFor(env.db.knex, env.dataDir, options).run(yaml(text));
  const defaultZip = () => join(env.dataDir, 'exports', 'demo_20210301-090000.zip');

  describe('timeLogger', () => {
    it('writes <name>.log with the phases so far among the report files, packaged with the manifest', async () => {
      const result = await run(demoTemplate('    consolidators:\n      - timeLogger'));
      expect(result.exports[0]!.files).to.deep.equal([defaultZip()]);
      expect(zipEntries(defaultZip())).to.deep.equal(['demo.csv', 'demo.log', 'manifest.json']);
      const lines = zipText(defaultZip(), 'demo.log').trimEnd().split('\n');
      expect(lines[0]).to.equal('export=demo guid=demo-export provider=demo now=2021-03-01T08:00:00.000Z');
      expect(lines.slice(1, -1).map((l) => l.replace(/seconds=\d+\.\d{3}$/, 'seconds=N'))).to.deep.equal([
        'phase=parse seconds=N',
        'phase=query+write seconds=N',
        'phase=write seconds=N',
      ]);
      expect(lines.at(-1)).to.equal('rows=5 files=1');
      const manifest = JSON.parse(zipText(defaultZip(), 'manifest.json'));
      expect(manifest.files.map((f: { name: string }) => f.name)).to.deep.equal(['demo.csv', 'demo.log']);
      expect(manifest.files[1].format).to.equal('log');
      expect(manifest.timings).to.include.keys('query+write', 'write', 'consolidate', 'postProcess');
    });
  });

  describe('moveToFolder', () => {
    it('moves every report file into the folder, named by the pattern with its own extension', async () => {
      const result = await run(
        demoTemplate(
          [
            '    actions:',
            '      - fileExportAction: { format: CSV }',
            '      - fileExportAction: { format: JSON }',
            '    consolidators:',
            '      - moveToFolder: { folderPath: outbox/daily, fileName: "report_%y%m%d" }',
          ].join('\n'),
        ),
      );
      const outbox = join(env.dataDir, 'outbox', 'daily');
      expect(filesUnder(env.dataDir)).to.deep.equal([
        'exports/demo_20210301-090000.zip',
        'outbox/daily/report_20210301.csv',
        'outbox/daily/report_20210301.json',
      ]);
      expect(readFileSync(join(outbox, 'report_20210301.csv'), 'utf8').split('\r\n')[0]).to.equal(
        'itemId;itemLabel;ownerName',
      );
      // Still final files of the run, beside the default package, which holds them too.
      expect(result.exports[0]!.files.sort()).to.deep.equal([
        defaultZip(),
        join(outbox, 'report_20210301.csv'),
        join(outbox, 'report_20210301.json'),
      ]);
      expect(zipEntries(defaultZip())).to.deep.equal(['manifest.json', 'report_20210301.csv', 'report_20210301.json']);
    });

    it('reads the same in XML', async () => {
      await engineFor(env.db.knex, env.dataDir).run(
        xml(`<export-config><export guid="demo-export" name="demo"><providers><demoProvider>
          <columns><itemId/></columns><parameters><timeZone>Europe/Paris</timeZone></parameters></demoProvider></providers>
          <consolidators><moveToFolder folderPath="outbox"><fileName>%n_%H%M.txt</fileName></moveToFolder></consolidators>
        </export></export-config>`),
      );
      expect(filesUnder(join(env.dataDir, 'outbox'))).to.deep.equal(['demo_0900.txt']);
    });

    it('counts with %i past the names already in the folder, and numbers a taken fixed name instead of replacing it', async () => {
      touch(join(env.dataDir, 'outbox', 'r1.csv'), 'earlier');
      touch(join(env.dataDir, 'outbox', 'fixed.csv'), 'earlier');
      await run(demoTemplate('    consolidators:\n      - moveToFolder: { folderPath: outbox, fileName: "r%i" }'));
      await run(demoTemplate('    consolidators:\n      - moveToFolder: { folderPath: outbox, fileName: fixed }'));
      expect(filesUnder(join(env.dataDir, 'outbox'))).to.deep.equal(['fixed-2.csv', 'fixed.csv', 'r1.csv', 'r2.csv']);
      expect(readFileSync(join(env.dataDir, 'outbox', 'r1.csv'), 'utf8')).to.equal('earlier');
      expect(readFileSync(join(env.dataDir, 'outbox', 'fixed.csv'), 'utf8')).to.equal('earlier');
      expect(readFileSync(join(env.dataDir, 'outbox', 'fixed-2.csv'), 'utf8')).to.match(/^itemId;/);
    });

    it('deletes files without data rows when deleteEmptyFiles is yes, moves them otherwise', async () => {
      const empty = (deleteEmptyFiles: string) =>
        demoTemplate(
          `    consolidators:\n      - moveToFolder: { folderPath: outbox, deleteEmptyFiles: ${deleteEmptyFiles} }`,
          {
            parameters: '      ownerNames: [Nobody]',
          },
        );
      await run(empty('yes'));
      expect(existsSync(join(env.dataDir, 'outbox', 'demo.csv'))).to.equal(false);
      expect(zipEntries(defaultZip())).to.deep.equal(['manifest.json']);
      rmSync(join(env.dataDir, 'exports'), { recursive: true });
      await run(empty('no'));
      expect(readFileSync(join(env.dataDir, 'outbox', 'demo.csv'), 'utf8')).to.equal('itemId;itemLabel;ownerName\r\n');
    });
  });

  describe('archive', () => {
    it('moves the earlier packages of the export into exports/archive; the new one is the only one left', async () => {
      touch(join(env.dataDir, 'exports', 'demo_20210201-090000.zip'), 'feb');
      touch(join(env.dataDir, 'exports', 'demo_20210101-090000.zip'), 'jan');
      touch(join(env.dataDir, 'exports', 'other_20210101-090000.zip'), 'other');
      touch(join(env.dataDir, 'exports', 'archive', 'demo_20210101-090000.zip'), 'archived before');
      await run(demoTemplate('    consolidators:\n      - archive'));
      expect(filesUnder(join(env.dataDir, 'exports'))).to.deep.equal([
        'archive/demo_20210101-090000-2.zip',
        'archive/demo_20210101-090000.zip',
        'archive/demo_20210201-090000.zip',
        'demo_20210301-090000.zip',
        'other_20210101-090000.zip',
      ]);
      expect(readFileSync(join(env.dataDir, 'exports', 'archive', 'demo_20210101-090000.zip'), 'utf8')).to.equal(
        'archived before',
      );
      expect(readFileSync(join(env.dataDir, 'exports', 'archive', 'demo_20210101-090000-2.zip'), 'utf8')).to.equal(
        'jan',
      );
    });

    it("by default archives the export's own names only, not another export's that starts alike (demo_hr)", async () => {
      for (const name of [
        'demo.csv',
        'demo-2.csv',
        'demo.end',
        'demo_20210201-090000-2.zip',
        'demo_hr.csv',
        'demo_hr_20210201-090000.zip',
        'demos.csv',
      ]) {
        touch(join(env.dataDir, 'exports', name), name);
      }
      await run(demoTemplate('    consolidators:\n      - archive'));
      expect(filesUnder(join(env.dataDir, 'exports'))).to.deep.equal([
        'archive/demo-2.csv',
        'archive/demo.csv',
        'archive/demo.end',
        'archive/demo_20210201-090000-2.zip',
        'demo_20210301-090000.zip',
        'demo_hr.csv',
        'demo_hr_20210201-090000.zip',
        'demos.csv',
      ]);
    });

    it("archives from moveToFolder's folder, keeping this run's files", async () => {
      touch(join(env.dataDir, 'outbox', 'report_20210228.csv'), 'yesterday');
      touch(join(env.dataDir, 'outbox', 'notes.txt'), 'kept');
      await run(
        demoTemplate(
          [
            '    consolidators:',
            '      - moveToFolder: { folderPath: outbox, fileName: "report_%y%m%d" }',
            '      - archive: { folderPath: outbox/old, prefix: report_ }',
          ].join('\n'),
        ),
      );
      expect(filesUnder(join(env.dataDir, 'outbox'))).to.deep.equal([
        'notes.txt',
        'old/report_20210228.csv',
        'report_20210301.csv',
      ]);
    });
  });

  describe('generateEndFile', () => {
    it('writes the marker with its content beside the package by default', async () => {
      const result = await run(
        demoTemplate(
          '    consolidators:\n      - generateEndFile: { fileName: "%n_%y%m%d.end", fileContent: "done %g" }',
        ),
      );
      const marker = join(env.dataDir, 'exports', 'demo_20210301.end');
      expect(readFileSync(marker, 'utf8')).to.equal('done demo-export');
      expect(result.exports[0]!.files).to.include(marker);
    });

    it('writes the marker last: after post-processing when the engine offers whenComplete', async () => {
      const engine = createEngine({
        knex: env.db.knex,
        plugins: [...pipelinePlugins, pluginModule([ProbeStep])],
        dataDir: env.dataDir,
        now: NOW,
      });
      await engine.run(
        yaml(
          demoTemplate(
            '    consolidators:\n      - generateEndFile: { folderPath: flags }\n    postProcess:\n      - packager\n      - probeStep',
          ),
        ),
      );
      expect(readFileSync(join(env.dataDir, 'flags', 'demo.end'), 'utf8')).to.equal('');
      // Without the hook (an engine that does not set it), the marker is written in its consolidator slot.
      expect(seenDuringPostProcess.endFileThere).to.equal(!seenDuringPostProcess.deferred);
      if (seenDuringPostProcess.deferred) {
        expect(statSync(join(env.dataDir, 'flags', 'demo.end')).mtimeMs).to.be.at.least(statSync(defaultZip()).mtimeMs);
      }
    });
  });

  describe('cleanFolder', () => {
    beforeEach(() => {
      touch(join(env.dataDir, 'exports', 'old.csv'), 'old', 40);
      touch(join(env.dataDir, 'exports', 'recent.csv'), 'recent', 10);
      touch(join(env.dataDir, 'exports', 'old.log'), 'log', 40);
      touch(join(env.dataDir, 'exports', 'archive', 'older.zip'), 'older', 100);
      touch(join(env.dataDir, 'exports', '.hidden'), 'hidden', 100);
    });

    it('deletes the files older than 30 days, sub-folders included, keeping logs, hidden files and the new package', async () => {
      await run(demoTemplate('    consolidators:\n      - cleanFolder'));
      expect(filesUnder(join(env.dataDir, 'exports'))).to.deep.equal([
        '.hidden',
        'demo_20210301-090000.zip',
        'old.log',
        'recent.csv',
      ]);
    });

    it('deletes old logs with cleanLogs and honours cleanOlderThan', async () => {
      await run(
        demoTemplate(
          '    consolidators:\n      - cleanFolder: { dataFolderPath: exports, cleanLogs: yes, cleanOlderThan: 5 }',
        ),
      );
      expect(filesUnder(join(env.dataDir, 'exports'))).to.deep.equal(['.hidden', 'demo_20210301-090000.zip']);
    });
  });

  describe('canonical order', () => {
    const reversed = [
      '    consolidators:',
      '      - cleanFolder: { dataFolderPath: outbox }',
      '      - generateEndFile: { folderPath: outbox }',
      '      - archive: { folderPath: outbox/old, prefix: demo }',
      '      - moveToFolder: { folderPath: outbox }',
      '      - timeLogger',
    ].join('\n');

    it('runs the consolidators in canonical order whatever the written order, with a warning', async () => {
      touch(join(env.dataDir, 'outbox', 'demo_earlier.csv'), 'earlier', 1);
      touch(join(env.dataDir, 'outbox', 'stale.txt'), 'stale', 60);
      const progress = recorder();
      await engineFor(env.db.knex, env.dataDir).run(yaml(demoTemplate(reversed)), { onProgress: progress.listener });
      expect(progress.warnings()).to.have.length(1);
      expect(progress.warnings()[0]).to.match(
        /consolidators run in the order timeLogger, moveToFolder, archive, generateEndFile, cleanFolder, not as written/,
      );
      // timeLogger before moveToFolder: the log was moved; archive after it: this run's files stayed;
      // cleanFolder last: the stale file went, the marker (this run's) stayed.
      expect(filesUnder(join(env.dataDir, 'outbox'))).to.deep.equal([
        'demo.csv',
        'demo.end',
        'demo.log',
        'old/demo_earlier.csv',
      ]);
    });

    it('gives no warning when they are written in order', async () => {
      const progress = recorder();
      await engineFor(env.db.knex, env.dataDir).run(
        yaml(
          demoTemplate(
            '    consolidators:\n      - timeLogger\n      - moveToFolder: { folderPath: outbox }\n      - cleanFolder',
          ),
        ),
        { onProgress: progress.listener },
      );
      expect(progress.warnings()).to.deep.equal([]);
    });
  });
});
