import { expect } from 'chai';
import { forEachDatabase } from '../support/databases.js';
import { runExport, type ColumnInput, type ExportRows } from './support/run-export.js';
import { registrationsOf } from './support/fixture-ids.js';

/*
 * Golden values of every column for every registration R1…R10 (withoutLaunchTime = yes, other
 * parameters by default), copied from the hand-worked tables of test/fixtures/dataset.md. Each column
 * is checked twice: among all the others (one query) and alone (its own query, its own joins).
 */
const EXPECTED: ReadonlyArray<readonly [ColumnInput, readonly string[]]> = [
  ['candidateId', ['1', '2', '3', '4', '1', '2', '5', '3', '5', '2']],
  [
    'candidateName',
    ['Martin', 'Dupont', 'Bernard', 'Smith', 'Martin', 'Dupont', 'Jones', 'Bernard', 'Jones', 'Dupont'],
  ],
  ['candidateFirstname', ['Laurie', 'Bruno', 'Chloé', 'David', 'Laurie', 'Bruno', 'Emma', 'Chloé', 'Emma', 'Bruno']],
  [
    'candidateLogin',
    ['lmartin', 'bdupont', 'cbernard', 'dsmith', 'lmartin', 'bdupont', 'ejones', 'cbernard', 'ejones', 'bdupont'],
  ],
  [
    'candidateEmail',
    [
      'laurie.martin@acme.test',
      'bruno.dupont@acme.test',
      '',
      'david.smith@acme.test',
      'laurie.martin@acme.test',
      'bruno.dupont@acme.test',
      'emma.jones@globex.test',
      '',
      'emma.jones@globex.test',
      'bruno.dupont@acme.test',
    ],
  ],
  ['candidateRefNumber', ['R-001', 'R-002', '', 'R-004', 'R-001', 'R-002', 'R-005', '', 'R-005', 'R-002']],
  [
    'candidateGuid',
    [
      'a0000000-0000-4000-8000-000000000001',
      'a0000000-0000-4000-8000-000000000002',
      'a0000000-0000-4000-8000-000000000003',
      'a0000000-0000-4000-8000-000000000004',
      'a0000000-0000-4000-8000-000000000001',
      'a0000000-0000-4000-8000-000000000002',
      'a0000000-0000-4000-8000-000000000005',
      'a0000000-0000-4000-8000-000000000003',
      'a0000000-0000-4000-8000-000000000005',
      'a0000000-0000-4000-8000-000000000002',
    ],
  ],
  ['candidateEntityAncestors', ['Acme > Sales', 'Acme', '', '', 'Acme > Sales', 'Acme', '', '', '', 'Acme']],
  [
    'candidateEntityName',
    ['Sales France', 'Engineering', '', 'Acme', 'Sales France', 'Engineering', 'Globex', '', 'Globex', 'Engineering'],
  ],
  [
    { name: 'candidateCustomFieldGuid', value: '8345C0A3-B8AB-7F65-0638-39B0E1244AA8', label: 'Department' },
    ['Sales', 'R&D', '', 'Management', 'Sales', 'R&D', '', '', '', 'R&D'],
  ],
  [
    { name: 'candidateCustomFieldGuid', value: 'cf000000-0000-4000-8000-000000000002', label: 'Cost centre' },
    ['CC-100', '', '', '', 'CC-100', '', 'CC-500', '', 'CC-500', ''],
  ],
  [
    'candidateSmartgroups',
    [
      'Managers;Newcomers',
      'Beta testers',
      '',
      'Beta testers;Managers',
      'Managers;Newcomers',
      'Beta testers',
      '',
      '',
      '',
      'Beta testers',
    ],
  ],
  [
    'lastPlatformAccessDate',
    [
      '2021-04-20 16:00:00',
      '2021-04-02 09:45:00',
      '',
      '2021-01-01 03:00:00',
      '2021-04-20 16:00:00',
      '2021-04-02 09:45:00',
      '2021-04-05 10:00:00',
      '',
      '2021-04-05 10:00:00',
      '2021-04-02 09:45:00',
    ],
  ],
  ['nbLO', ['4', '4', '5', '5', '3', '3', '0', '4', '1', '5']],
  ['nbLOStarted', ['4', '2', '4', '4', '2', '1', '0', '0', '1', '1']],
  ['nbLOFinished', ['3', '1', '3', '4', '2', '0', '0', '0', '0', '1']],
  [
    'sessionRegistrationDate',
    [
      '2021-01-04 08:00:00',
      '2021-03-31 22:30:00',
      '2021-03-01 00:00:00',
      '2021-02-28 23:30:00',
      '2021-02-01 10:00:00',
      '2021-02-03 08:00:00',
      '2021-05-01 00:00:00',
      '2021-01-10 12:00:00',
      '2020-12-15 09:00:00',
      '2021-03-26 09:00:00',
    ],
  ],
  [
    'sessionRegistrationGuid',
    [
      '4e000000-0000-4000-8000-000000000001',
      '4e000000-0000-4000-8000-000000000002',
      '4e000000-0000-4000-8000-000000000003',
      '4e000000-0000-4000-8000-000000000004',
      '4e000000-0000-4000-8000-000000000005',
      '4e000000-0000-4000-8000-000000000006',
      '4e000000-0000-4000-8000-000000000007',
      '4e000000-0000-4000-8000-000000000008',
      '4e000000-0000-4000-8000-000000000009',
      '4e000000-0000-4000-8000-000000000010',
    ],
  ],
  ['sessionId', ['1', '1', '2', '2', '3', '3', '4', '1', '5', '2']],
  [
    'sessionTitle',
    [
      'Session 01',
      'Session 01',
      'Session 02',
      'Session 02',
      'Intro <i>live</i> session',
      'Intro <i>live</i> session',
      'Empty session',
      'Session 01',
      'Time frames',
      'Session 02',
    ],
  ],
  [
    'sessionGuid',
    [
      '5e000000-0000-4000-8000-000000000001',
      '5e000000-0000-4000-8000-000000000001',
      '5e000000-0000-4000-8000-000000000002',
      '5e000000-0000-4000-8000-000000000002',
      '5e000000-0000-4000-8000-000000000003',
      '5e000000-0000-4000-8000-000000000003',
      '5e000000-0000-4000-8000-000000000004',
      '5e000000-0000-4000-8000-000000000001',
      '5e000000-0000-4000-8000-000000000005',
      '5e000000-0000-4000-8000-000000000002',
    ],
  ],
  [
    'sessionStartDate',
    [
      '2021-01-01',
      '2021-01-01',
      '2021-03-01',
      '2021-03-01',
      '2021-02-01',
      '2021-02-01',
      '2021-05-01',
      '2021-01-01',
      '2021-01-01',
      '2021-03-01',
    ],
  ],
  [
    'sessionEndDate',
    [
      '2021-06-30',
      '2021-06-30',
      '2021-03-31',
      '2021-03-31',
      '2021-02-28',
      '2021-02-28',
      '',
      '2021-06-30',
      '2021-12-31',
      '2021-03-31',
    ],
  ],
  ['trainingId', ['1', '1', '1', '1', '2', '2', '3', '1', '3', '1']],
  [
    'trainingTitle',
    [
      'First steps',
      'First steps',
      'First steps',
      'First steps',
      '<b>Intro</b> &amp; more',
      '<b>Intro</b> &amp; more',
      'Archive course',
      'First steps',
      'Archive course',
      'First steps',
    ],
  ],
  ['trainingPathCode', ['FS-01', 'FS-01', 'FS-01', 'FS-01', 'INT-02', 'INT-02', 'ARC-03', 'FS-01', 'ARC-03', 'FS-01']],
  [
    'trainingGuid',
    [
      '70000000-0000-4000-8000-000000000001',
      '70000000-0000-4000-8000-000000000001',
      '70000000-0000-4000-8000-000000000001',
      '70000000-0000-4000-8000-000000000001',
      '70000000-0000-4000-8000-000000000002',
      '70000000-0000-4000-8000-000000000002',
      '70000000-0000-4000-8000-000000000003',
      '70000000-0000-4000-8000-000000000001',
      '70000000-0000-4000-8000-000000000003',
      '70000000-0000-4000-8000-000000000001',
    ],
  ],
  ['catalogVisibility', ['Y', 'Y', 'Y', 'Y', 'N', 'N', 'Y', 'Y', 'Y', 'Y']],
  ['trainingStatus', ['P', 'P', 'P', 'P', 'C', 'C', 'A', 'P', 'A', 'P']],
  [
    'trainingModality',
    [
      'blended',
      'blended',
      'blended',
      'blended',
      'learning_channel',
      'learning_channel',
      'campus',
      'blended',
      'campus',
      'blended',
    ],
  ],
  [
    'trainingPublisher',
    [
      'Acme Learning',
      'Acme Learning',
      'Acme Learning',
      'Acme Learning',
      'OpenContent',
      'OpenContent',
      '',
      'Acme Learning',
      '',
      'Acme Learning',
    ],
  ],
  [
    'trainingChapters',
    [
      'Welcome; Basics',
      'Welcome; Basics',
      'Welcome; Basics',
      'Welcome; Basics',
      '',
      '',
      '',
      'Welcome; Basics',
      '',
      'Welcome; Basics',
    ],
  ],
  ['trainingDuration', ['2h30', '2h30', '2h30', '2h30', '', '', '1 day', '2h30', '1 day', '2h30']],
  [
    'sessionCompletionTime',
    [
      '2021-02-10 17:06:00',
      '2021-04-02 09:40:00',
      '2021-03-20 10:01:00',
      '2021-03-31 22:15:00',
      '2021-02-15 10:10:00',
      '2021-02-28 23:30:00',
      '',
      '',
      '2021-04-05 10:00:00',
      '2021-03-27 12:30:00',
    ],
  ],
  [
    'sessionFirstLaunchDate',
    [
      '2021-01-05 09:00:00',
      '2021-04-01 07:00:00',
      '2021-03-02 13:00:00',
      '2021-03-01 02:00:00',
      '2021-02-02 09:00:00',
      '2021-02-04 08:00:00',
      '',
      '',
      '2021-01-02 10:00:00',
      '2021-03-27 12:00:00',
    ],
  ],
  ['sessionProgression', ['75', '25', '50', '87.5', '66.67', '0', '0', '0', '0', '12.5']],
  ['progressionMandatory', ['100', '50', '80', '100', '100', '0', '0', '0', '0', '20']],
  ['sessionScore', ['30', '10', '40', '70', '0', '0', '0', '0', '0', '10']],
  ['scoreNPS', ['9', '', '7', '10', '', '', '', '', '', '']],
  [
    'sessionStatus',
    [
      'completed',
      'incomplete',
      'incomplete',
      'completed',
      'incomplete',
      'incomplete',
      'not attempted',
      'not attempted',
      'incomplete',
      'incomplete',
    ],
  ],
  ['thresholdReachedDate', ['2021-02-10 17:00:00', '', '', '2021-03-10 12:00:00', '', '', '', '', '', '']],
  [
    'sessionFirstCompletionDate',
    ['2021-02-10 16:55:00', '', '', '2021-03-10 12:00:00', '2021-02-15 10:10:00', '', '', '', '', ''],
  ],
  ['sessionTimeGlobal', ['1500', '1200', '0', '0', '1800', '900', '0', '0', '400', '0']],
  ['timeSpentCBT', ['25200', '0', '5400', '3600', '0', '0', '0', '0', '0', '0']],
  ['timeSpentDigital', ['960', '2400', '390', '7295', '600', '0', '0', '0', '0', '1800']],
  ['sessionTimeSpent', ['27660', '3600', '5790', '10895', '2400', '900', '0', '0', '400', '1800']],
  [
    { name: 'constantValue', value: 'Q1 2021 export' },
    [
      'Q1 2021 export',
      'Q1 2021 export',
      'Q1 2021 export',
      'Q1 2021 export',
      'Q1 2021 export',
      'Q1 2021 export',
      'Q1 2021 export',
      'Q1 2021 export',
      'Q1 2021 export',
      'Q1 2021 export',
    ],
  ],
  [{ name: 'constantValue' }, ['', '', '', '', '', '', '', '', '', '']],
];

const headerOf = (c: ColumnInput) => (typeof c === 'string' ? c : (c.label ?? c.name));

forEachDatabase('consolidatedTracking: every column, every registration', (db) => {
  let together: ExportRows;
  before(async () => {
    together = await runExport(db().knex, {
      columns: EXPECTED.map(([column]) => column),
      parameters: { withoutLaunchTime: 'yes' },
    });
  });

  it('one row per registration, R1…R10 in id order', () => {
    expect(registrationsOf(together)).to.deep.equal(['R1', 'R2', 'R3', 'R4', 'R5', 'R6', 'R7', 'R8', 'R9', 'R10']);
  });

  for (const [index, [column, values]] of EXPECTED.entries()) {
    const header = headerOf(column);
    const label =
      typeof column === 'string' ? column : `${column.name}${column.value !== undefined ? ` "${column.value}"` : ''}`;
    it(`${label}: among all columns`, () => {
      expect(together.headers[index]).to.equal(header);
      expect(together.rows.map((row) => row[index])).to.deep.equal(values);
    });
    it(`${label}: alone`, async () => {
      const alone = await runExport(db().knex, { columns: [column], parameters: { withoutLaunchTime: 'yes' } });
      expect(alone.rows.map((row) => row[0])).to.deep.equal(values);
    });
  }

  it('the default (withoutLaunchTime = no) leaves out R7 and R8 whatever the columns', async () => {
    for (const column of ['nbLO', 'candidateName', 'sessionTimeSpent', 'sessionStatus']) {
      const result = await runExport(db().knex, { columns: ['sessionRegistrationGuid', column] });
      expect(registrationsOf(result), column).to.deep.equal(['R1', 'R2', 'R3', 'R4', 'R5', 'R6', 'R9', 'R10']);
    }
  });
});
