import { expect } from 'chai';
import consolidatedTracking from '@exportkit/plugin-consolidated-tracking';
import { Registry, createContainer, isPluginModule } from '@exportkit/core';
import { ctProvider } from './support/run-export.js';

describe('consolidatedTracking registry', () => {
  it('is a plugin module that builds a registry', () => {
    expect(isPluginModule(consolidatedTracking)).to.equal(true);
    const registry = Registry.fromContainer(createContainer([consolidatedTracking]));
    expect(registry.providerNames()).to.deep.equal(['consolidatedTracking']);
    expect(registry.provider('consolidatedTrackingProvider')).to.equal(registry.provider('consolidatedTracking'));
  });

  it('declares the provider metadata', () => {
    const m = ctProvider().provider.metadata;
    expect(m).to.include({
      name: 'consolidatedTracking',
      element: 'consolidatedTrackingProvider',
      baseTable: 'registrations',
      baseAlias: 'registration',
      orderBy: 'registration.id',
    });
    expect(m.formatting).to.deep.equal({
      dateFormat: 'dateFormat',
      dateTimeFormat: 'dateTimeFormat',
      timeZone: 'timeZone',
      durationFormat: 'sessionTimeGlobalFormat',
      stripHtml: 'stripHTML',
      maxLength: 'maxLength',
    });
  });

  it('has the 46 columns of the user document plus templatedValue, with their aliases and types', () => {
    const columns = ctProvider().columns;
    const expected: Array<[string, string[], string]> = [
      ['candidateId', [], 'int'],
      ['candidateName', [], 'string'],
      ['candidateFirstname', [], 'string'],
      ['candidateLogin', [], 'string'],
      ['candidateEmail', [], 'string'],
      ['candidateRefNumber', [], 'string'],
      ['candidateGuid', [], 'string'],
      ['candidateEntityAncestors', [], 'string'],
      ['candidateEntityName', [], 'string'],
      ['candidateCustomFieldGuid', [], 'string'],
      ['candidateSmartgroups', [], 'string'],
      ['lastPlatformAccessDate', [], 'datetime'],
      ['nbLO', [], 'int'],
      ['nbLOStarted', [], 'int'],
      ['nbLOFinished', [], 'int'],
      ['sessionRegistrationDate', ['registrationDate'], 'datetime'],
      ['sessionRegistrationGuid', ['registrationGuid'], 'string'],
      ['sessionId', [], 'int'],
      ['sessionGuid', [], 'string'],
      ['sessionTitle', [], 'string'],
      ['sessionStartDate', [], 'date'],
      ['sessionEndDate', [], 'date'],
      ['trainingId', [], 'int'],
      ['trainingGuid', [], 'string'],
      ['trainingPathCode', [], 'string'],
      ['trainingTitle', [], 'string'],
      ['catalogVisibility', [], 'enum'],
      ['trainingStatus', [], 'enum'],
      ['trainingModality', [], 'string'],
      ['trainingPublisher', [], 'string'],
      ['trainingChapters', [], 'longtext'],
      ['trainingDuration', [], 'string'],
      ['sessionFirstLaunchDate', ['firstLaunchDate'], 'datetime'],
      ['sessionCompletionTime', ['completionTime'], 'datetime'],
      ['sessionFirstCompletionDate', ['firstCompletionDate'], 'datetime'],
      ['thresholdReachedDate', [], 'datetime'],
      ['sessionProgression', ['progression'], 'float'],
      ['progressionMandatory', [], 'float'],
      ['sessionScore', ['score'], 'float'],
      ['scoreNPS', [], 'int'],
      ['sessionStatus', ['status'], 'enum'],
      ['sessionTimeGlobal', ['timeGlobal'], 'duration'],
      ['timeSpentCBT', ['timeSpentCB'], 'duration'],
      ['timeSpentDigital', [], 'duration'],
      ['sessionTimeSpent', ['timeSpent'], 'duration'],
      ['constantValue', [], 'string'],
      ['templatedValue', [], 'string'],
    ];
    expect(columns.canonicalNames()).to.have.members(expected.map(([name]) => name));
    expect(columns.canonicalNames()).to.have.length(47);
    for (const [name, aliases, type] of expected) {
      const column = columns.get(name)!;
      expect(column.metadata.aliases ?? [], name).to.deep.equal(aliases);
      expect(column.metadata.type, name).to.equal(type);
      expect(column.metadata.description.length, `${name} has a description`).to.be.greaterThan(20);
      for (const alias of aliases) expect(columns.get(alias), alias).to.equal(column);
    }
  });

  it('accepts every column name of the user document, including the aliases its example uses', () => {
    const documentColumns = [
      'candidateId',
      'candidateName',
      'candidateFirstname',
      'candidateLogin',
      'candidateEmail',
      'candidateRefNumber',
      'candidateGuid',
      'candidateEntityAncestors',
      'candidateEntityName',
      'candidateCustomFieldGuid',
      'candidateSmartgroups',
      'lastPlatformAccessDate',
      'nbLO',
      'nbLOStarted',
      'nbLOFinished',
      'sessionRegistrationDate',
      'sessionRegistrationGuid',
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
      'sessionCompletionTime',
      'sessionFirstLaunchDate',
      'sessionProgression',
      'progressionMandatory',
      'sessionScore',
      'scoreNPS',
      'sessionStatus',
      'thresholdReachedDate',
      'sessionFirstCompletionDate',
      'sessionTimeGlobal',
      'timeSpentCBT',
      'timeSpentDigital',
      'sessionTimeSpent',
      'constantValue',
      // the example's spellings
      'registrationDate',
      'registrationGuid',
      'completionTime',
      'firstLaunchDate',
      'progression',
      'score',
      'status',
      'firstCompletionDate',
      'timeGlobal',
      'timeSpentCB',
      'timeSpent',
    ];
    expect(documentColumns.filter((name) => !ctProvider().columns.has(name))).to.deep.equal([]);
  });

  it('has the 33 parameters of the user document plus timeZone, with their aliases and defaults', () => {
    const parameters = ctProvider().parameters;
    const expected: Array<[string, string[], string, unknown]> = [
      ['modality', [], 'filter', undefined],
      ['trainingModalityFormat', [], 'filter', undefined],
      ['trainingPathCode', [], 'filter', undefined],
      ['trainingGuid', [], 'filter', undefined],
      ['sessionGuid', [], 'filter', undefined],
      ['completeSessionTitle', ['sessionTitle'], 'filter', undefined],
      ['activityType', [], 'filter', undefined],
      ['sessionReportStatus', ['reportStatus'], 'filter', undefined],
      ['withoutLaunchTime', [], 'filter', false],
      ['onlyFromImportedRegistrations', [], 'filter', false],
      ['onlyFromImportedSessions', [], 'filter', false],
      ['onlyFromImportedTraining', [], 'filter', false],
      ['publishers', [], 'filter', undefined],
      ['trainingPublishers', [], 'filter', undefined],
      ['entityIds', [], 'filter', undefined],
      ['learnersSmartGroups', [], 'filter', undefined],
      ['trainingStatus', [], 'filter', undefined],
      ['catalogVisibility', [], 'filter', undefined],
      ['onlyHrisSelectedItems', [], 'filter', false],
      ['deltaMode', [], 'filter', false],
      ['sessionTimeFrames', ['timeFrames'], 'filter', undefined],
      ['sessionTimeFramesScale', ['timeFramesScale'], 'filter', undefined],
      ['sessionTimeFrameScaleMode', ['timeFrameScaleMode', 'timeFramesScaleMode'], 'filter', ['lastActivity']],
      ['dateFormat', [], 'format', 'YYYY-MM-DD'],
      ['dateTimeFormat', [], 'format', 'YYYY-MM-DD hh:ii:ss'],
      ['timeZone', [], 'format', 'UTC'],
      [
        'statusFormat',
        [],
        'format',
        { completed: 'completed', incomplete: 'incomplete', notAttempted: 'not attempted' },
      ],
      ['trainingStatusFormat', [], 'format', { underConstruction: 'C', published: 'P', archived: 'A' }],
      ['sessionTimeGlobalFormat', ['timeGlobalFormat'], 'format', 'rawSeconds'],
      ['ancestorsWithCurrent', [], 'format', false],
      ['sessionPreferredLocales', ['preferredLocales'], 'format', []],
      ['templates', [], 'format', undefined],
      ['stripHTML', [], 'format', undefined],
      ['maxLength', [], 'format', undefined],
    ];
    expect(parameters.canonicalNames()).to.have.members(expected.map(([name]) => name));
    expect(parameters.canonicalNames()).to.have.length(34);
    for (const [name, aliases, kind, defaultValue] of expected) {
      const parameter = parameters.get(name)!;
      expect(parameter.metadata.aliases ?? [], name).to.deep.equal(aliases);
      expect(parameter.metadata.kind, name).to.equal(kind);
      expect(parameter.metadata.default, name).to.deep.equal(defaultValue);
      expect(parameter.metadata.description.length, `${name} has a description`).to.be.greaterThan(20);
    }
  });

  it('names its relations', () => {
    expect(ctProvider().relations.canonicalNames()).to.have.members([
      'learner',
      'entity',
      'entityAncestors',
      'customFieldValue',
      'smartgroups',
      'session',
      'training',
      'publisher',
      'sessionTitleTranslation',
      'trainingTitleTranslation',
      'activityTotals',
      'registrationTrackings',
      'trackingCounts',
      'trackingPoints',
      'trackingTimes',
      'npsScore',
      'deltaMark',
    ]);
  });
});
