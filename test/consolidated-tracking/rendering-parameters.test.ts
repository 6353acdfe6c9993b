import { expect } from 'chai';
import { forEachDatabase } from '../support/databases.js';
import { cellsOf, runExport, type ExportSpec } from './support/run-export.js';

/* The rendering parameters, with the values of test/fixtures/dataset.md (withoutLaunchTime = yes: R1…R10). */

/** Whether core's row formatter hands the column use to `format` (templatedValue needs its templateId). */

forEachDatabase('consolidatedTracking rendering parameters', (db) => {
  const run = (spec: ExportSpec) =>
    runExport(db().knex, { ...spec, parameters: { withoutLaunchTime: 'yes', ...spec.parameters } });

  it('sessionTimeGlobalFormat (timeGlobalFormat): the five duration formats', async () => {
    const columns = ['timeGlobal', 'timeSpentCB', 'timeSpentDigital', 'timeSpent'];
    const firstRow = async (format: string) =>
      (await run({ columns, parameters: { timeGlobalFormat: format } })).rows[0];
    expect(await firstRow('rawSeconds')).to.deep.equal(['1500', '25200', '960', '27660']);
    expect(await firstRow('iso-8601')).to.deep.equal(['PT25M', 'PT7H', 'PT16M', 'PT7H41M']);
    expect(await firstRow('rawMinutes')).to.deep.equal(['25', '420', '16', '461']);
    expect(await firstRow('padded')).to.deep.equal(['000:25', '007:00', '000:16', '007:41']);
    expect(await firstRow('paddedhh')).to.deep.equal(['00:25', '07:00', '00:16', '07:41']);
    const iso = await run({ columns: ['sessionTimeSpent'], parameters: { sessionTimeGlobalFormat: 'iso-8601' } });
    expect(iso.rows[6]).to.deep.equal(['PT0S']);
    const minutes = await run({ columns: ['timeSpentDigital'], parameters: { sessionTimeGlobalFormat: 'rawMinutes' } });
    expect(minutes.rows[2]).to.deep.equal(['6.5']);
  });

  it('statusFormat replaces the given texts only', async () => {
    const result = await run({
      columns: ['status'],
      parameters: { statusFormat: { completed: 'Done', notAttempted: 'To do' } },
    });
    expect(cellsOf(result, 'status')).to.deep.equal([
      'Done',
      'incomplete',
      'incomplete',
      'Done',
      'incomplete',
      'incomplete',
      'To do',
      'To do',
      'incomplete',
      'incomplete',
    ]);
  });

  it('trainingStatusFormat replaces C / P / A', async () => {
    const result = await run({
      columns: ['trainingStatus'],
      parameters: { trainingStatusFormat: { published: 'Published', archived: 'Archived' } },
    });
    expect(cellsOf(result, 'trainingStatus')).to.deep.equal([
      'Published',
      'Published',
      'Published',
      'Published',
      'C',
      'C',
      'Archived',
      'Published',
      'Archived',
      'Published',
    ]);
  });

  it('ancestorsWithCurrent = yes ends the ancestors with the entity itself', async () => {
    const result = await run({ columns: ['candidateEntityAncestors'], parameters: { ancestorsWithCurrent: 'yes' } });
    expect(cellsOf(result, 'candidateEntityAncestors')).to.deep.equal([
      'Acme > Sales > Sales France',
      'Acme > Engineering',
      '',
      'Acme',
      'Acme > Sales > Sales France',
      'Acme > Engineering',
      'Globex',
      '',
      'Globex',
      'Acme > Engineering',
    ]);
    const no = await run({ columns: ['candidateEntityAncestors'], parameters: { ancestorsWithCurrent: 'no' } });
    expect(cellsOf(no, 'candidateEntityAncestors')).to.deep.equal([
      'Acme > Sales',
      'Acme',
      '',
      '',
      'Acme > Sales',
      'Acme',
      '',
      '',
      '',
      'Acme',
    ]);
  });

  it('sessionPreferredLocales (preferredLocales): first locale with a title, the item’s own locale included, else the default', async () => {
    const titles = async (locales: string) => {
      const r = await run({ columns: ['sessionTitle', 'trainingTitle'], parameters: { preferredLocales: locales } });
      return r.rows.map((row) => row.join(' | '));
    };
    expect(await titles('de,fr')).to.deep.equal([
      'Sitzung 01 | Premiers pas',
      'Sitzung 01 | Premiers pas',
      'Session 02 (FR) | Premiers pas',
      'Session 02 (FR) | Premiers pas',
      'Intro <i>live</i> session | <b>Intro</b> &amp; more',
      'Intro <i>live</i> session | <b>Intro</b> &amp; more',
      'Empty session | Archive course',
      'Sitzung 01 | Premiers pas',
      'Time frames | Archive course',
      'Session 02 (FR) | Premiers pas',
    ]);
    expect((await titles('en')).slice(4, 6)).to.deep.equal([
      'Intro live session | Intro and more',
      'Intro live session | Intro and more',
    ]);
    expect((await titles('en'))[0]).to.equal('Session 01 | First steps');
    expect((await titles('fr,de'))[0]).to.equal('Session 01 (FR) | Premiers pas');
    expect(await titles('xx')).to.deep.equal(await titles(''));
  });

  it('stripHTML removes tags and decodes entities; maxLength crops after it', async () => {
    const columns = ['trainingTitle', 'sessionTitle', 'candidateName', 'sessionRegistrationDate'];
    const stripped = await run({ columns, parameters: { stripHTML: 'yes' } });
    expect(stripped.rows[4]).to.deep.equal(['Intro & more', 'Intro live session', 'Martin', '2021-02-01 10:00:00']);
    const cropped = await run({ columns, parameters: { stripHTML: 'yes', maxLength: '5' } });
    expect(cropped.rows[4]).to.deep.equal(['Intro', 'Intro', 'Marti', '2021-']);
    expect(cropped.rows[0]).to.deep.equal(['First', 'Sessi', 'Marti', '2021-']);
    const raw = await run({ columns, parameters: { maxLength: '8' } });
    expect(raw.rows[4]).to.deep.equal(['<b>Intro', 'Intro <i', 'Martin', '2021-02-']);
  });

  it('templates and templatedValue: {i} is the formatted value of the i-th column', async function () {
    const result = await run({
      columns: [
        'candidateFirstname',
        'candidateName',
        'candidateLogin',
        { name: 'templatedValue', attributes: { templateId: '1' } },
        { name: 'templatedValue', attributes: { templateId: '2' } },
      ],
      parameters: { templates: { templates: { '1': '{1}, {0} ({2})', '2': '[{4}]' } } },
    });
    expect(result.rows[0]).to.deep.equal(['Laurie', 'Martin', 'lmartin', 'Martin, Laurie (lmartin)', '[]']);
  });
});
