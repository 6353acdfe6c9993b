import { expect } from 'chai';
import { forEachDatabase } from '../support/databases.js';
import { runExport } from './support/run-export.js';
import { registrationsOf } from './support/fixture-ids.js';

/*
 * Golden output of the foundation columns, worked out by hand in test/fixtures/dataset.md, with the
 * foundation parameters: dateFormat, dateTimeFormat, timeZone, trainingPathCode, trainingGuid,
 * sessionGuid, completeSessionTitle, withoutLaunchTime.
 */
const FOUNDATION = [
  'candidateId',
  'candidateName',
  'candidateFirstname',
  'candidateLogin',
  'candidateEmail',
  'candidateRefNumber',
  'candidateGuid',
  'candidateEntityName',
  'sessionId',
  'sessionTitle',
  'sessionGuid',
  'sessionStartDate',
  'sessionEndDate',
  'sessionRegistrationDate',
  'sessionRegistrationGuid',
  'trainingId',
  'trainingTitle',
  'trainingPathCode',
  'trainingGuid',
  { name: 'constantValue', value: 'ACME' },
] as const;

const HEADERS = [...FOUNDATION.slice(0, -1), 'constantValue'];

const DEFAULT_ROWS = [
  [
    '1',
    'Martin',
    'Laurie',
    'lmartin',
    'laurie.martin@acme.test',
    'R-001',
    'a0000000-0000-4000-8000-000000000001',
    'Sales France',
    '1',
    'Session 01',
    '5e000000-0000-4000-8000-000000000001',
    '2021-01-01',
    '2021-06-30',
    '2021-01-04 08:00:00',
    '4e000000-0000-4000-8000-000000000001',
    '1',
    'First steps',
    'FS-01',
    '70000000-0000-4000-8000-000000000001',
    'ACME',
  ],
  [
    '2',
    'Dupont',
    'Bruno',
    'bdupont',
    'bruno.dupont@acme.test',
    'R-002',
    'a0000000-0000-4000-8000-000000000002',
    'Engineering',
    '1',
    'Session 01',
    '5e000000-0000-4000-8000-000000000001',
    '2021-01-01',
    '2021-06-30',
    '2021-03-31 22:30:00',
    '4e000000-0000-4000-8000-000000000002',
    '1',
    'First steps',
    'FS-01',
    '70000000-0000-4000-8000-000000000001',
    'ACME',
  ],
  [
    '3',
    'Bernard',
    'Chloé',
    'cbernard',
    '',
    '',
    'a0000000-0000-4000-8000-000000000003',
    '',
    '2',
    'Session 02',
    '5e000000-0000-4000-8000-000000000002',
    '2021-03-01',
    '2021-03-31',
    '2021-03-01 00:00:00',
    '4e000000-0000-4000-8000-000000000003',
    '1',
    'First steps',
    'FS-01',
    '70000000-0000-4000-8000-000000000001',
    'ACME',
  ],
  [
    '4',
    'Smith',
    'David',
    'dsmith',
    'david.smith@acme.test',
    'R-004',
    'a0000000-0000-4000-8000-000000000004',
    'Acme',
    '2',
    'Session 02',
    '5e000000-0000-4000-8000-000000000002',
    '2021-03-01',
    '2021-03-31',
    '2021-02-28 23:30:00',
    '4e000000-0000-4000-8000-000000000004',
    '1',
    'First steps',
    'FS-01',
    '70000000-0000-4000-8000-000000000001',
    'ACME',
  ],
  [
    '1',
    'Martin',
    'Laurie',
    'lmartin',
    'laurie.martin@acme.test',
    'R-001',
    'a0000000-0000-4000-8000-000000000001',
    'Sales France',
    '3',
    'Intro <i>live</i> session',
    '5e000000-0000-4000-8000-000000000003',
    '2021-02-01',
    '2021-02-28',
    '2021-02-01 10:00:00',
    '4e000000-0000-4000-8000-000000000005',
    '2',
    '<b>Intro</b> &amp; more',
    'INT-02',
    '70000000-0000-4000-8000-000000000002',
    'ACME',
  ],
  [
    '2',
    'Dupont',
    'Bruno',
    'bdupont',
    'bruno.dupont@acme.test',
    'R-002',
    'a0000000-0000-4000-8000-000000000002',
    'Engineering',
    '3',
    'Intro <i>live</i> session',
    '5e000000-0000-4000-8000-000000000003',
    '2021-02-01',
    '2021-02-28',
    '2021-02-03 08:00:00',
    '4e000000-0000-4000-8000-000000000006',
    '2',
    '<b>Intro</b> &amp; more',
    'INT-02',
    '70000000-0000-4000-8000-000000000002',
    'ACME',
  ],
  [
    '5',
    'Jones',
    'Emma',
    'ejones',
    'emma.jones@globex.test',
    'R-005',
    'a0000000-0000-4000-8000-000000000005',
    'Globex',
    '5',
    'Time frames',
    '5e000000-0000-4000-8000-000000000005',
    '2021-01-01',
    '2021-12-31',
    '2020-12-15 09:00:00',
    '4e000000-0000-4000-8000-000000000009',
    '3',
    'Archive course',
    'ARC-03',
    '70000000-0000-4000-8000-000000000003',
    'ACME',
  ],
  [
    '2',
    'Dupont',
    'Bruno',
    'bdupont',
    'bruno.dupont@acme.test',
    'R-002',
    'a0000000-0000-4000-8000-000000000002',
    'Engineering',
    '2',
    'Session 02',
    '5e000000-0000-4000-8000-000000000002',
    '2021-03-01',
    '2021-03-31',
    '2021-03-26 09:00:00',
    '4e000000-0000-4000-8000-000000000010',
    '1',
    'First steps',
    'FS-01',
    '70000000-0000-4000-8000-000000000001',
    'ACME',
  ],
];

forEachDatabase('consolidatedTracking foundation columns', (db) => {
  it('default parameters: the launched registrations in id order, every foundation column', async () => {
    const result = await runExport(db().knex, { columns: FOUNDATION });
    expect(result.headers).to.deep.equal(HEADERS);
    expect(result.rows).to.deep.equal(DEFAULT_ROWS);
  });

  it('withoutLaunchTime = yes adds the empty session (R7) and the unlaunched registration (R8)', async () => {
    const result = await runExport(db().knex, { columns: FOUNDATION, parameters: { withoutLaunchTime: 'yes' } });
    expect(registrationsOf(result)).to.deep.equal(['R1', 'R2', 'R3', 'R4', 'R5', 'R6', 'R7', 'R8', 'R9', 'R10']);
    expect(result.rows[6]).to.deep.equal([
      '5',
      'Jones',
      'Emma',
      'ejones',
      'emma.jones@globex.test',
      'R-005',
      'a0000000-0000-4000-8000-000000000005',
      'Globex',
      '4',
      'Empty session',
      '5e000000-0000-4000-8000-000000000004',
      '2021-05-01',
      '',
      '2021-05-01 00:00:00',
      '4e000000-0000-4000-8000-000000000007',
      '3',
      'Archive course',
      'ARC-03',
      '70000000-0000-4000-8000-000000000003',
      'ACME',
    ]);
    expect(result.rows[7]).to.deep.equal([
      '3',
      'Bernard',
      'Chloé',
      'cbernard',
      '',
      '',
      'a0000000-0000-4000-8000-000000000003',
      '',
      '1',
      'Session 01',
      '5e000000-0000-4000-8000-000000000001',
      '2021-01-01',
      '2021-06-30',
      '2021-01-10 12:00:00',
      '4e000000-0000-4000-8000-000000000008',
      '1',
      'First steps',
      'FS-01',
      '70000000-0000-4000-8000-000000000001',
      'ACME',
    ]);
  });

  it('dateFormat, dateTimeFormat and timeZone Europe/Paris (day boundaries move, dates do not)', async () => {
    const result = await runExport(db().knex, {
      columns: ['sessionRegistrationGuid', 'sessionStartDate', 'sessionEndDate', 'sessionRegistrationDate'],
      parameters: {
        withoutLaunchTime: 'yes',
        dateFormat: 'DD/MM/YYYY',
        dateTimeFormat: 'DD/MM/YY HH:II',
        timeZone: 'Europe/Paris',
      },
    });
    expect(result.rows.map((row) => row.slice(1))).to.deep.equal([
      ['01/01/2021', '30/06/2021', '04/01/21 09:00'],
      ['01/01/2021', '30/06/2021', '01/04/21 00:30'],
      ['01/03/2021', '31/03/2021', '01/03/21 01:00'],
      ['01/03/2021', '31/03/2021', '01/03/21 00:30'],
      ['01/02/2021', '28/02/2021', '01/02/21 11:00'],
      ['01/02/2021', '28/02/2021', '03/02/21 09:00'],
      ['01/05/2021', '', '01/05/21 02:00'],
      ['01/01/2021', '30/06/2021', '10/01/21 13:00'],
      ['01/01/2021', '31/12/2021', '15/12/20 10:00'],
      ['01/03/2021', '31/03/2021', '26/03/21 10:00'],
    ]);
  });

  it('timeZone America/New_York with the default formats', async () => {
    const result = await runExport(db().knex, {
      columns: ['sessionRegistrationDate', 'sessionStartDate'],
      parameters: { withoutLaunchTime: 'yes', timeZone: 'America/New_York' },
    });
    expect(result.rows).to.deep.equal([
      ['2021-01-04 03:00:00', '2021-01-01'],
      ['2021-03-31 18:30:00', '2021-01-01'],
      ['2021-02-28 19:00:00', '2021-03-01'],
      ['2021-02-28 18:30:00', '2021-03-01'],
      ['2021-02-01 05:00:00', '2021-02-01'],
      ['2021-02-03 03:00:00', '2021-02-01'],
      ['2021-04-30 20:00:00', '2021-05-01'],
      ['2021-01-10 07:00:00', '2021-01-01'],
      ['2020-12-15 04:00:00', '2021-01-01'],
      ['2021-03-26 05:00:00', '2021-03-01'],
    ]);
  });

  it('trainingPathCode, trainingGuid, sessionGuid and completeSessionTitle filters', async () => {
    const run = async (parameters: Record<string, string>) =>
      registrationsOf(await runExport(db().knex, { columns: FOUNDATION, parameters }));
    expect(await run({ trainingPathCode: 'FS-01' })).to.deep.equal(['R1', 'R2', 'R3', 'R4', 'R10']);
    expect(await run({ trainingPathCode: 'INT-02' })).to.deep.equal(['R5', 'R6']);
    expect(await run({ trainingPathCode: 'fs-01' })).to.deep.equal([]);
    expect(await run({ trainingGuid: '70000000-0000-4000-8000-000000000002' })).to.deep.equal(['R5', 'R6']);
    expect(await run({ trainingGuid: '70000000-0000-4000-8000-000000000003' })).to.deep.equal(['R9']);
    expect(await run({ trainingGuid: '70000000-0000-4000-8000-000000000003', withoutLaunchTime: 'yes' })).to.deep.equal(
      ['R7', 'R9'],
    );
    expect(await run({ sessionGuid: '5E000000-0000-4000-8000-000000000001' })).to.deep.equal(['R1', 'R2']);
    expect(await run({ sessionGuid: '5e000000-0000-4000-8000-000000000001', withoutLaunchTime: 'yes' })).to.deep.equal([
      'R1',
      'R2',
      'R8',
    ]);
    expect(await run({ completeSessionTitle: 'Session 02' })).to.deep.equal(['R3', 'R4', 'R10']);
    expect(await run({ sessionTitle: 'Intro <i>live</i> session' })).to.deep.equal(['R5', 'R6']);
    expect(await run({ completeSessionTitle: 'Sitzung 01' })).to.deep.equal([]);
    expect(await run({ trainingPathCode: 'FS-01', sessionGuid: '5e000000-0000-4000-8000-000000000002' })).to.deep.equal(
      ['R3', 'R4', 'R10'],
    );
    expect(
      await run({
        trainingGuid: '70000000-0000-4000-8000-000000000001',
        completeSessionTitle: 'Intro <i>live</i> session',
      }),
    ).to.deep.equal([]);
  });
});
