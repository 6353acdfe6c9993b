import { expect } from 'chai';
import { forEachDatabase } from '../support/databases.js';
import { runExport } from './support/run-export.js';
import { registrationsOf } from './support/fixture-ids.js';

/* Every filter parameter: the registrations it keeps, from test/fixtures/dataset.md. */
const CASES: ReadonlyArray<readonly [Record<string, string | string[] | Record<string, string>>, readonly string[]]> = [
  [{}, ['R1', 'R2', 'R3', 'R4', 'R5', 'R6', 'R9', 'R10']],
  [{ withoutLaunchTime: 'no' }, ['R1', 'R2', 'R3', 'R4', 'R5', 'R6', 'R9', 'R10']],
  [{ withoutLaunchTime: 'yes' }, ['R1', 'R2', 'R3', 'R4', 'R5', 'R6', 'R7', 'R8', 'R9', 'R10']],
  [{ modality: 'blended' }, ['R1', 'R2', 'R3', 'R4', 'R10']],
  [{ modality: 'kc' }, []],
  [{ trainingModalityFormat: 'learning_channel,campus' }, ['R5', 'R6', 'R9']],
  [{ trainingModalityFormat: ['blended'] }, ['R1', 'R2', 'R3', 'R4', 'R10']],
  [{ activityType: 'nps' }, ['R1', 'R2', 'R3', 'R4', 'R10']],
  [{ activityType: '4' }, ['R1', 'R2']],
  [{ activityType: 'survey,5' }, ['R3', 'R4', 'R5', 'R6', 'R10']],
  [{ sessionReportStatus: 'completed' }, ['R1', 'R4']],
  [{ reportStatus: 'incomplete' }, ['R2', 'R3', 'R5', 'R6', 'R9', 'R10']],
  [{ sessionReportStatus: 'notAttempted', withoutLaunchTime: 'yes' }, ['R7', 'R8']],
  [{ sessionReportStatus: 'notAttempted' }, []],
  [{ sessionReportStatus: 'pendingFeedback' }, ['R2']],
  [{ sessionReportStatus: { completed: '', pendingFeedback: '' } }, ['R1', 'R2', 'R4']],
  [{ onlyFromImportedRegistrations: 'yes' }, ['R2', 'R4']],
  [{ onlyFromImportedRegistrations: 'no' }, ['R1', 'R2', 'R3', 'R4', 'R5', 'R6', 'R9', 'R10']],
  [{ onlyFromImportedSessions: 'yes' }, ['R3', 'R4', 'R10']],
  [{ onlyFromImportedTraining: 'yes' }, ['R5', 'R6']],
  [{ publishers: 'b0000000-0000-4000-8000-000000000002' }, ['R1', 'R2', 'R5', 'R6']],
  [{ publishers: 'B0000000-0000-4000-8000-000000000001' }, ['R1', 'R2', 'R3', 'R4', 'R10']],
  [{ publishers: 'b0000000-0000-4000-8000-000000000003' }, []],
  [{ trainingPublishers: 'OpenContent' }, ['R5', 'R6']],
  [{ trainingPublishers: 'Acme Learning,OpenContent' }, ['R1', 'R2', 'R3', 'R4', 'R5', 'R6', 'R10']],
  [{ entityIds: '2' }, ['R1', 'R5']],
  [{ entityIds: '3' }, ['R1', 'R5']],
  [{ entityIds: '1' }, ['R1', 'R2', 'R4', 'R5', 'R6', 'R10']],
  [{ entityIds: '4,5' }, ['R2', 'R6', 'R9', 'R10']],
  [{ learnersSmartGroups: '1' }, ['R1', 'R4', 'R5']],
  [{ learnersSmartGroups: '2,3' }, ['R1', 'R2', 'R4', 'R5', 'R6', 'R10']],
  [{ trainingStatus: 'P' }, ['R1', 'R2', 'R3', 'R4', 'R10']],
  [{ trainingStatus: 'underConstruction,archived' }, ['R5', 'R6', 'R9']],
  [{ catalogVisibility: 'yes' }, ['R1', 'R2', 'R3', 'R4', 'R9', 'R10']],
  [{ catalogVisibility: 'no' }, ['R5', 'R6']],
  [{ onlyHrisSelectedItems: 'yes' }, ['R1', 'R2', 'R3', 'R4', 'R10']],
  [{ onlyHrisSelectedItems: 'no' }, ['R1', 'R2', 'R3', 'R4', 'R5', 'R6', 'R9', 'R10']],
  [{ trainingPathCode: 'ARC-03' }, ['R9']],
  [{ sessionGuid: '5e000000-0000-4000-8000-000000000003' }, ['R5', 'R6']],
  [{ modality: 'blended', onlyFromImportedRegistrations: 'yes' }, ['R2', 'R4']],
  [{ entityIds: '1', learnersSmartGroups: '2', activityType: 'survey' }, ['R4', 'R6', 'R10']],
];

/** Columns read from every aggregate per registration (each restricted to the kept registrations). */
const AGGREGATE_COLUMNS = [
  'sessionRegistrationGuid',
  'nbLOStarted',
  'nbLOFinished',
  'sessionFirstLaunchDate',
  'sessionCompletionTime',
  'sessionScore',
  'sessionProgression',
  'scoreNPS',
  'sessionTimeGlobal',
  'timeSpentDigital',
  'sessionTimeSpent',
  'sessionStatus',
];

forEachDatabase('consolidatedTracking filters', (db) => {
  for (const [parameters, expected] of CASES) {
    it(`${JSON.stringify(parameters)} → ${expected.join(' ') || 'no row'}`, async () => {
      const result = await runExport(db().knex, { columns: ['sessionRegistrationGuid'], parameters });
      expect(registrationsOf(result)).to.deep.equal(expected);
    });
  }

  // With aggregate columns the filters define the kept registrations first and the aggregates read
  // only theirs: the same registrations, each with the values it has in an unfiltered export.
  for (const [parameters, expected] of CASES) {
    it(`${JSON.stringify(parameters)} with every aggregate: the same rows and values as unfiltered`, async () => {
      const unfiltered = await runExport(db().knex, {
        columns: AGGREGATE_COLUMNS,
        parameters: { withoutLaunchTime: 'yes' },
      });
      const everyRow = new Map(unfiltered.rows.map((cells) => [cells[0], cells]));
      const result = await runExport(db().knex, { columns: AGGREGATE_COLUMNS, parameters });
      expect(registrationsOf(result)).to.deep.equal(expected);
      for (const cells of result.rows) expect(cells).to.deep.equal(everyRow.get(cells[0]));
    });
  }
});
