import { expect } from 'chai';
import knexPkg from 'knex';
import { compose, ctProvider, type ColumnInput, type ExportSpec } from './support/run-export.js';
import { G } from './support/fixture-ids.js';

/*
 * How the provider's query is composed: only the relations the chosen columns and filters need,
 * each joined once, dependencies first; values only ever as bindings.
 */
describe('consolidatedTracking query composition', () => {
  const knex = knexPkg({ client: 'pg' });
  after(() => knex.destroy());

  const joinsOf = (
    columns: readonly ColumnInput[],
    parameters: ExportSpec['parameters'] = { withoutLaunchTime: 'yes' },
  ) => compose(knex, { columns, parameters }).joins;

  it('nbLO alone joins only the activity totals (no tracking or time aggregates)', () => {
    expect(joinsOf(['nbLO'])).to.deep.equal(['activityTotals']);
  });

  it('columns read from the base table join nothing', () => {
    expect(
      joinsOf([
        'candidateId',
        'sessionId',
        'sessionRegistrationDate',
        'sessionRegistrationGuid',
        'thresholdReachedDate',
        'constantValue',
      ]),
    ).to.deep.equal([]);
  });

  it('learner columns share one learner join; the entity comes after it', () => {
    expect(joinsOf(['candidateName', 'candidateEntityName', 'candidateEmail', 'lastPlatformAccessDate'])).to.deep.equal(
      ['learner', 'entity'],
    );
    expect(joinsOf(['candidateEntityAncestors'])).to.deep.equal(['learner', 'entityAncestors']);
  });

  it('the publisher pulls in training and session, in dependency order', () => {
    expect(joinsOf(['trainingPublisher'])).to.deep.equal(['session', 'training', 'publisher']);
    expect(joinsOf(['trainingId'])).to.deep.equal(['session']);
  });

  /** The aggregates computed in the one pass over trackings (registrationTrackings), by output name. */
  const trackingAggregatesOf = (columns: readonly ColumnInput[]) => {
    const text = compose(knex, { columns, parameters: { withoutLaunchTime: 'yes' } }).sql;
    const pass = /SELECT t\.registration_id,\n([\s\S]*?)\n {2}FROM trackings t JOIN activities a/.exec(text)?.[1] ?? '';
    return [...pass.matchAll(/ AS (\w+)(?=,|$)/g)].map((m) => m[1]);
  };

  it('the trackings aggregates share one pass, computing only what the columns need', () => {
    const counts = ['started', 'finished', 'pending_feedback', 'first_launch_at', 'last_access_at'];
    const points = ['earned_points', 'completed', 'completed_mandatory', 'mandatory_completed_at'];
    const times = ['total', 'global', 'cbt', 'digital'];
    const countColumns = ['nbLOStarted', 'nbLOFinished', 'sessionFirstLaunchDate', 'sessionCompletionTime'];
    expect(joinsOf(countColumns)).to.deep.equal(['registrationTrackings']);
    expect(trackingAggregatesOf(countColumns)).to.have.members(counts);
    expect(joinsOf(['sessionProgression'])).to.deep.equal(['activityTotals', 'registrationTrackings']);
    expect(trackingAggregatesOf(['sessionScore'])).to.have.members(points);
    expect(joinsOf(['progressionMandatory'])).to.deep.equal(['session', 'activityTotals', 'registrationTrackings']);
    expect(trackingAggregatesOf(['scoreNPS'])).to.deep.equal(['score']);
    expect(joinsOf(['sessionStatus'])).to.deep.equal(['registrationTrackings']);
    expect(
      trackingAggregatesOf(['sessionTimeGlobal', 'timeSpentCBT', 'timeSpentDigital', 'sessionTimeSpent']),
    ).to.have.members(times);
    expect(trackingAggregatesOf(['nbLOStarted', 'sessionScore', 'scoreNPS', 'timeSpentCBT'])).to.have.members([
      ...counts,
      ...points,
      'score',
      ...times,
    ]);
    expect(joinsOf(['nbLO']), 'counting activities never reads trackings').to.deep.equal(['activityTotals']);
  });

  it('all 47 columns join every relation they need exactly once', () => {
    const all = ctProvider()
      .columns.canonicalNames()
      .map((name): ColumnInput =>
        name === 'candidateCustomFieldGuid'
          ? { name, value: G.DEPARTMENT }
          : name === 'templatedValue'
            ? { name, attributes: { templateId: '1' } }
            : name,
      );
    const joins = joinsOf(all);
    expect(new Set(joins).size).to.equal(joins.length);
    expect(joins).to.have.members([
      'learner',
      'entityAncestors',
      'entity',
      'customFieldValue_1',
      'smartgroups',
      'activityTotals',
      'registrationTrackings',
      'session',
      'training',
      'publisher',
    ]);
    expect(joins.indexOf('learner')).to.be.lessThan(joins.indexOf('entity'));
    expect(joins.indexOf('session')).to.be.lessThan(joins.indexOf('training'));
    const sql = compose(knex, { columns: all, parameters: { withoutLaunchTime: 'yes' } }).sql;
    expect(sql.match(/FROM trackings t\b/g)?.length, 'one pass over trackings for every aggregate').to.equal(1);
    expect(sql).not.to.match(/LATERAL/i);
  });

  it('one join per distinct custom field GUID, whatever its case', () => {
    const query = compose(knex, {
      columns: [
        { name: 'candidateCustomFieldGuid', value: G.DEPARTMENT },
        { name: 'candidateCustomFieldGuid', value: G.DEPARTMENT.toLowerCase() },
        { name: 'candidateCustomFieldGuid', value: G.COST_CENTRE },
      ],
      parameters: { withoutLaunchTime: 'yes' },
    });
    expect(query.joins).to.deep.equal(['customFieldValue_1', 'customFieldValue_2']);
    expect(query.bindings).to.deep.equal([G.DEPARTMENT.toLowerCase(), G.COST_CENTRE]);
    expect(query.sql).not.to.include(G.COST_CENTRE);
  });

  it('translated titles join the translations only when preferred locales are given', () => {
    expect(joinsOf(['sessionTitle', 'trainingTitle'])).to.deep.equal(['session', 'training']);
    expect(
      joinsOf(['sessionTitle', 'trainingTitle'], { withoutLaunchTime: 'yes', preferredLocales: 'fr,en' }),
    ).to.deep.equal(['session', 'sessionTitleTranslation', 'training', 'trainingTitleTranslation']);
  });

  it('a filter and a column needing the same relation share its join', () => {
    expect(
      joinsOf(['trainingTitle'], { trainingStatus: 'P', modality: 'blended', trainingPublishers: 'OpenContent' }),
    ).to.deep.equal(['session', 'training', 'publisher']);
  });

  it('by default keeps only registrations with a launched activity; withoutLaunchTime = yes keeps all', () => {
    const launched =
      'EXISTS (SELECT 1 FROM trackings t WHERE t.registration_id = registration.id AND t.first_launch_at IS NOT NULL)';
    expect(compose(knex, { columns: ['nbLO'] }).sql).to.include(launched);
    expect(compose(knex, { columns: ['nbLO'], parameters: { withoutLaunchTime: 'no' } }).sql).to.include(launched);
    expect(compose(knex, { columns: ['nbLO'], parameters: { withoutLaunchTime: 'yes' } }).sql).not.to.include(
      'first_launch_at',
    );
  });

  it('every filter value is a binding, never SQL text', () => {
    const values = {
      modality: 'blended',
      trainingModalityFormat: 'campus,kc',
      trainingPathCode: "FS-01' OR '1'='1",
      trainingGuid: G.T1,
      sessionGuid: G.S1,
      completeSessionTitle: 'Session; DROP TABLE x',
      activityType: 'nps,4',
      sessionReportStatus: 'completed,pendingFeedback',
      onlyFromImportedRegistrations: 'yes',
      onlyFromImportedSessions: 'yes',
      onlyFromImportedTraining: 'yes',
      publishers: G.PUBLISHER_OPEN,
      trainingPublishers: 'OpenContent,Acme Learning',
      entityIds: '2,4',
      learnersSmartGroups: '1,3',
      trainingStatus: 'P,archived',
      catalogVisibility: 'yes',
      onlyHrisSelectedItems: 'yes',
      timeFrames: '3',
      timeFramesScale: 'less_than_n_full_months',
      timeZone: 'Europe/Paris',
    };
    const query = compose(knex, { columns: ['nbLO'], parameters: values });
    for (const text of [
      'blended',
      'campus',
      'FS-01',
      G.T1,
      G.S1,
      'DROP TABLE',
      'classroom',
      'OpenContent',
      G.PUBLISHER_OPEN,
      'Europe/Paris',
      'less_than',
    ]) {
      expect(query.sql, text).not.to.include(text);
    }
    expect(query.bindings).to.deep.include.members([
      'blended',
      ['campus', 'kc'],
      "FS-01' OR '1'='1",
      G.T1,
      G.S1,
      'Session; DROP TABLE x',
      ['nps', 'classroom'],
      ['completed'],
      [G.PUBLISHER_OPEN],
      ['OpenContent', 'Acme Learning'],
      [2, 4],
      [1, 3],
      ['P', 'A'],
      true,
      'Europe/Paris',
      3,
    ]);
    expect(query.bindings).to.deep.include(new Date('2021-05-28T12:00:00Z'));
    expect(query.sql.split('?').length - 1).to.equal(query.bindings.length);
  });

  it('time frames restrict the time aggregate with the window computed in SQL from bindings', () => {
    const query = compose(knex, {
      columns: ['sessionTimeSpent'],
      parameters: {
        timeFrames: '2',
        timeFramesScale: 'less_than_n_days',
        timeFrameScaleMode: 'timeSpent',
        timeZone: 'America/New_York',
      },
      now: new Date('2021-03-01T04:00:00Z'),
    });
    expect(query.joins).to.deep.equal(['trackingTimes']);
    expect(query.sql).to.include('tracking_days d');
    expect(query.sql).to.include('make_interval(days =>');
    expect(query.bindings).to.include(2);
    expect(query.bindings).to.include('America/New_York');
    expect(query.sql).not.to.include('2021');
  });

  it('delta mode compares with the last succeeded run of the export guid, bound', () => {
    const query = compose(knex, { columns: ['nbLO'], parameters: { deltaMode: 'yes' }, exportGuid: 'weekly-tracking' });
    expect(query.joins).to.deep.equal(['activityTotals', 'deltaMark']);
    expect(query.sql).to.include("FROM exportkit.export_runs r WHERE r.export_guid = ? AND r.status = 'succeeded'");
    expect(query.sql).to.include('registration.updated_at >= deltaMark.since OR EXISTS');
    expect(query.bindings).to.include('weekly-tracking');
    expect(query.sql).not.to.include('weekly-tracking');
  });

  it('delta mode without an export guid is an error', () => {
    expect(() => compose(knex, { columns: ['nbLO'], parameters: { deltaMode: 'yes' } })).to.throw(
      /deltaMode needs the export's guid/,
    );
  });

  describe('filter first: the aggregates per registration read only the kept registrations', () => {
    const threeDays = {
      timeFrames: '3',
      timeFramesScale: 'less_than_n_days',
      timeFrameScaleMode: 'lastActivity,timeSpent',
    };
    const aggregates = ['nbLOStarted', 'sessionScore', 'scoreNPS', 'sessionTimeSpent'];

    it('the filters become the kept CTE, joined first; every trackings aggregate is restricted to it', () => {
      const query = compose(knex, { columns: ['candidateName', ...aggregates], parameters: threeDays });
      expect(query.sql).to.match(
        /^with "kept" as \(SELECT registration\.id FROM registrations AS registration\nWHERE /,
      );
      const [kept, outer] = [
        query.sql.slice(0, query.sql.indexOf(') select ')),
        query.sql.slice(query.sql.indexOf(') select ')),
      ];
      expect(kept).to.include('t.last_access_at').and.not.to.include('first_launch_at');
      expect(outer).to.match(
        /from "registrations" as "registration" JOIN kept ON kept\.id = registration\.id LEFT JOIN learners/,
      );
      expect(outer, 'a filter keeping most rows stays outside kept').to.match(
        / where \(EXISTS \(SELECT 1 FROM trackings t WHERE t\.registration_id = registration\.id AND t\.first_launch_at IS NOT NULL\)\)/,
      );
      expect(
        outer.match(/FROM trackings t\b/g)?.length,
        'the trackings aggregates (one pass) and the launched filter',
      ).to.equal(2);
      expect(outer, 'time inside the window: its own pass over the tracking days').to.include(
        'FROM tracking_days d JOIN trackings t',
      );
      expect(
        outer.match(/t\.registration_id IN \(SELECT id FROM kept\)/g)?.length,
        'one restriction per pass',
      ).to.equal(2);
      expect(query.sql.split('?').length - 1).to.equal(query.bindings.length);
    });

    it('one-session and one-training filters define the kept rows', () => {
      for (const parameters of [
        { sessionGuid: G.S1 },
        { trainingGuid: G.S2 },
        { completeSessionTitle: 'Onboarding' },
      ] as Array<Record<string, string>>) {
        const query = compose(knex, {
          columns: ['nbLOStarted'],
          parameters: { withoutLaunchTime: 'yes', ...parameters },
        });
        expect(query.sql, Object.keys(parameters)[0]).to.match(
          /^with "kept" as \(SELECT registration\.id FROM registrations AS registration\nLEFT JOIN sessions AS session /,
        );
        expect(query.sql).to.include('t.registration_id IN (SELECT id FROM kept)');
      }
    });

    it('a filter built on an aggregate stays in the outer query; the others still define kept', () => {
      const query = compose(knex, {
        columns: ['sessionScore'],
        parameters: { sessionReportStatus: 'pendingFeedback', entityIds: '4' },
      });
      const kept = query.sql.slice(0, query.sql.indexOf(') select '));
      expect(kept).to.include('LEFT JOIN learners AS learner').and.to.include('WITH RECURSIVE below');
      expect(kept).not.to.include('pending_feedback');
      expect(query.joins).to.deep.equal(['registrationTrackings']);
      expect(query.sql).to.match(/ where \(coalesce\(registrationTrackings\.pending_feedback, false\)\)/);
      expect(query.sql.match(/IN \(SELECT id FROM kept\)/g)?.length).to.equal(1);
      expect(query.bindings).to.deep.include([4]);
    });

    it('without an aggregate per registration, or without a filter that narrows the rows, the query is the plain one', () => {
      for (const query of [
        compose(knex, { columns: ['candidateName', 'nbLO'], parameters: threeDays }),
        compose(knex, { columns: aggregates, parameters: { withoutLaunchTime: 'yes' } }),
        compose(knex, {
          columns: aggregates,
          parameters: { withoutLaunchTime: 'no', onlyFromImportedRegistrations: 'yes' },
        }),
      ]) {
        expect(query.sql).not.to.match(/kept/i);
      }
      expect(compose(knex, { columns: ['nbLO'], parameters: threeDays }).sql).to.match(
        / where \(EXISTS \(SELECT 1 FROM trackings t WHERE/,
      );
    });
  });
});
