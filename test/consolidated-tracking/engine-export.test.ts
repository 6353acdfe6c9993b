import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { parseTemplate, type ExportConfig } from '@exportkit/core';
import { createEngine } from 'exportkit';
import { forEachDatabase } from '../support/databases.js';

/*
 * The provider end to end through the engine (template → validation → query → CSV in the zip), on the
 * shared fixture databases. The engine writes export_runs rows, nothing else.
 */

/** The user's document's example, as written (columns with aliases, a custom field, time frames). */
const USER_EXAMPLE = `<providers>
    <consolidatedTrackingProvider>
        <columns>
            <candidateId/>
            <candidateName/>
            <candidateFirstname/>
            <candidateLogin/>
            <candidateEmail/>
            <candidateRefNumber/>
            <candidateGuid/>
            <candidateEntityAncestors/>
            <candidateEntityName/>
            <candidateCustomFieldGuid label="Department">8345C0A3-B8AB-7F65-0638-39B0E1244AA8</candidateCustomFieldGuid>
            <lastPlatformAccessDate/>
            <nbLO/>
            <nbLOStarted/>
            <nbLOFinished/>
            <registrationDate/>
            <registrationGuid/>
            <sessionId/>
            <sessionTitle/>
            <sessionGuid/>
            <sessionStartDate/>
            <sessionEndDate/>
            <trainingId/>
            <trainingTitle/>
            <trainingPathCode/>
            <trainingGuid/>
            <catalogVisibility/>
            <trainingStatus/>
            <trainingModality/>
            <trainingPublisher/>
            <trainingChapters/>
            <trainingDuration/>
            <completionTime/>
            <firstLaunchDate/>
            <progression/>
            <progressionMandatory/>
            <score/>
            <status/>
            <thresholdReachedDate/>
            <firstCompletionDate/>
            <timeGlobal/>
            <constantValue/>
            <scoreNPS/>
            <timeSpentCB/>
            <timeSpentDigital/>
            <timeSpent/>
        </columns>
        <parameters>
            <dateTimeFormat>YYYY-MM-DD hh:ii:ss</dateTimeFormat>
            <timeFrames>3</timeFrames>
            <timeFramesScale>less_than_n_days</timeFramesScale>
            <timeFrameScaleMode>lastActivity,timeSpent</timeFrameScaleMode>
        </parameters>
    </consolidatedTrackingProvider>
</providers>`;

function csvOf(zip: string): string[][] {
  const entries = execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' })
    .split('\n')
    .filter((name) => name.endsWith('.csv'));
  expect(entries).to.have.length(1);
  return parse(execFileSync('unzip', ['-p', zip, entries[0]!], { encoding: 'utf8' }), { delimiter: ';' }) as string[][];
}

forEachDatabase('consolidatedTracking through the engine', (db) => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'exportkit-ct-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const run = async (config: ExportConfig, now: string) => {
    const engine = createEngine({ knex: db().knex, dataDir, now: new Date(now) });
    try {
      const result = await engine.run(config);
      return csvOf(result.exports[0]!.files.find((f) => f.endsWith('.zip'))!);
    } finally {
      await engine.close();
    }
  };

  it("runs the user's example: 3 days back from 2 April 2021 12:00 UTC, lastActivity rows, timeSpent times", async () => {
    // Window [30 March 12:00, 2 April 12:00]: R2 (accesses on 1 and 2 April) and R4 (T404, 31 March 22:15).
    const rows = await run(parseTemplate(USER_EXAMPLE, 'consolidated.xml', 'xml'), '2021-04-02T12:00:00Z');
    expect(rows[0]).to.deep.equal([
      'candidateId',
      'candidateName',
      'candidateFirstname',
      'candidateLogin',
      'candidateEmail',
      'candidateRefNumber',
      'candidateGuid',
      'candidateEntityAncestors',
      'candidateEntityName',
      'Department',
      'lastPlatformAccessDate',
      'nbLO',
      'nbLOStarted',
      'nbLOFinished',
      'registrationDate',
      'registrationGuid',
      'sessionId',
      'sessionTitle',
      'sessionGuid',
      'sessionStartDate',
      'sessionEndDate',
      'trainingId',
      'trainingTitle',
      'trainingPathCode',
      'trainingGuid',
      'catalogVisibility',
      'trainingStatus',
      'trainingModality',
      'trainingPublisher',
      'trainingChapters',
      'trainingDuration',
      'completionTime',
      'firstLaunchDate',
      'progression',
      'progressionMandatory',
      'score',
      'status',
      'thresholdReachedDate',
      'firstCompletionDate',
      'timeGlobal',
      'constantValue',
      'scoreNPS',
      'timeSpentCB',
      'timeSpentDigital',
      'timeSpent',
    ]);
    expect(rows.slice(1)).to.deep.equal([
      [
        '2',
        'Dupont',
        'Bruno',
        'bdupont',
        'bruno.dupont@acme.test',
        'R-002',
        'a0000000-0000-4000-8000-000000000002',
        'Acme',
        'Engineering',
        'R&D',
        '2021-04-02 09:45:00',
        '4',
        '2',
        '1',
        '2021-03-31 22:30:00',
        '4e000000-0000-4000-8000-000000000002',
        '1',
        'Session 01',
        '5e000000-0000-4000-8000-000000000001',
        '2021-01-01',
        '2021-06-30',
        '1',
        'First steps',
        'FS-01',
        '70000000-0000-4000-8000-000000000001',
        'Y',
        'P',
        'blended',
        'Acme Learning',
        'Welcome; Basics',
        '2h30',
        '2021-04-02 09:40:00',
        '2021-04-01 07:00:00',
        '25',
        '50',
        '10',
        'incomplete',
        '',
        '',
        '1200',
        '',
        '',
        '0',
        '2400',
        '3600',
      ],
      [
        '4',
        'Smith',
        'David',
        'dsmith',
        'david.smith@acme.test',
        'R-004',
        'a0000000-0000-4000-8000-000000000004',
        '',
        'Acme',
        'Management',
        '2021-01-01 03:00:00',
        '5',
        '4',
        '4',
        '2021-02-28 23:30:00',
        '4e000000-0000-4000-8000-000000000004',
        '2',
        'Session 02',
        '5e000000-0000-4000-8000-000000000002',
        '2021-03-01',
        '2021-03-31',
        '1',
        'First steps',
        'FS-01',
        '70000000-0000-4000-8000-000000000001',
        'Y',
        'P',
        'blended',
        'Acme Learning',
        'Welcome; Basics',
        '2h30',
        '2021-03-31 22:15:00',
        '2021-03-01 02:00:00',
        '87.5',
        '100',
        '70',
        'completed',
        '2021-03-10 12:00:00',
        '2021-03-10 12:00:00',
        '0',
        '',
        '10',
        '0',
        '50',
        '50',
      ],
    ]);
  });

  it('configs/consolidated-tracking.xml and its YAML spelling produce byte-identical CSV', async () => {
    const csvBytes = async (file: string) => {
      const engine = createEngine({ knex: db().knex, dataDir, now: new Date('2021-04-02T12:00:00Z') });
      try {
        const result = await engine.run(file);
        const zip = result.exports[0]!.files.find((f) => f.endsWith('.zip'))!;
        return execFileSync('unzip', ['-p', zip, 'consolidated-tracking.csv']);
      } finally {
        await engine.close();
      }
    };
    const xml = await csvBytes('configs/consolidated-tracking.xml');
    const yaml = await csvBytes('configs/consolidated-tracking.yaml');
    expect(xml.toString('utf8').split('\r\n').length, 'header and two rows').to.be.at.least(3);
    expect(yaml.equals(xml)).to.equal(true);
    expect(readFileSync('configs/consolidated-tracking.xml', 'utf8')).to.equal(USER_EXAMPLE + '\n');
  });

  it('validation: the example is valid; an unknown custom field, a lone timeFrames and delta mode with time frames are errors', async () => {
    const engine = createEngine({ knex: db().knex, dataDir });
    try {
      expect(await engine.validate(parseTemplate(USER_EXAMPLE, 'consolidated.xml', 'xml'))).to.deep.equal([]);
      const broken = USER_EXAMPLE.replace(
        '8345C0A3-B8AB-7F65-0638-39B0E1244AA8',
        '8345C0A3-B8AB-7F65-0638-000000000000',
      )
        .replace('<timeFramesScale>less_than_n_days</timeFramesScale>', '')
        .replace('<dateTimeFormat>', '<deltaMode>yes</deltaMode><dateTimeFormat>');
      const messages = (await engine.validate(parseTemplate(broken, 'broken.xml', 'xml'))).map(
        (issue) => issue.message,
      );
      expect(messages).to.include('no custom field has the GUID 8345C0A3-B8AB-7F65-0638-000000000000');
      expect(messages).to.include('sessionTimeFrames (timeFrames) needs sessionTimeFramesScale (timeFramesScale)');
      const delta = USER_EXAMPLE.replace('<dateTimeFormat>', '<deltaMode>yes</deltaMode><dateTimeFormat>');
      expect(
        (await engine.validate(parseTemplate(delta, 'delta.xml', 'xml'))).map((issue) => issue.message),
      ).to.include('deltaMode cannot be combined with sessionTimeFramesScale (timeFramesScale)');
    } finally {
      await engine.close();
    }
  });

  it("delta mode: the first run exports everything; the next starts from the database's mark, whatever --now says", async () => {
    const guid = `ct-delta-${randomBytes(4).toString('hex')}`;
    const config = parseTemplate(
      `exports:\n  - guid: ${guid}\n    name: delta\n    provider: consolidatedTracking\n    columns: [registrationGuid]\n    parameters:\n      deltaMode: yes\n`,
      'delta.yaml',
      'yaml',
    );
    const ids = (rows: string[][]) => rows.slice(1).map((row) => `R${Number(row[0]!.slice(-12))}`);
    const [before] = (await db().knex.raw('SELECT clock_timestamp() AS at')).rows as Array<{ at: Date }>;
    expect(ids(await run(config, '2021-05-28T12:00:00Z'))).to.deep.equal([
      'R1',
      'R2',
      'R3',
      'R4',
      'R5',
      'R6',
      'R9',
      'R10',
    ]);
    // The fixture's changes all date from 2021: an earlier --now (which used to be the mark) brings none back.
    expect(ids(await run(config, '2021-03-15T00:00:00Z'))).to.deep.equal([]);
    const runs = (await db().knex('exportkit.export_runs').where({ export_guid: guid }).orderBy('id')) as Array<{
      delta_mark: Date;
      reference_now: Date;
      status: string;
    }>;
    expect(runs.map((r) => r.status)).to.deep.equal(['succeeded', 'succeeded']);
    expect(runs[0]!.reference_now.toISOString()).to.equal('2021-05-28T12:00:00.000Z');
    // The mark is the database's clock (less the margin), not --now.
    expect(runs[0]!.delta_mark.getTime()).to.be.within(before!.at.getTime() - 2000, Date.now() + 1000);
    expect(runs[1]!.delta_mark.getTime()).to.be.at.least(runs[0]!.delta_mark.getTime());
  });

  it('delta mode without the export guid fails the run with a clear message', async () => {
    const config = parseTemplate(
      'exports:\n  - name: no-guid\n    provider: consolidatedTracking\n    columns: [registrationGuid]\n    parameters:\n      deltaMode: yes\n',
      'no-guid.yaml',
      'yaml',
    );
    let failure: unknown;
    try {
      await run(config, '2021-05-28T12:00:00Z');
    } catch (error) {
      failure = error;
    }
    expect(String(failure)).to.match(/deltaMode needs the export's guid attribute/);
  });
});
