import { expect } from 'chai';
import { forEachDatabase } from '../support/databases.js';
import { checkColumns } from './support/run-export.js';

/* Column checks that need the database (custom field GUIDs) or the parameters (template ids). */
forEachDatabase('consolidatedTracking column checks', (db) => {
  it('candidateCustomFieldGuid accepts a known GUID in any case', async () => {
    expect(
      await checkColumns(db().knex, {
        columns: [{ name: 'candidateCustomFieldGuid', value: '8345C0A3-B8AB-7F65-0638-39B0E1244AA8' }],
      }),
    ).to.deep.equal([]);
    expect(
      await checkColumns(db().knex, {
        columns: [{ name: 'candidateCustomFieldGuid', value: ' cf000000-0000-4000-8000-000000000002 ' }],
      }),
    ).to.deep.equal([]);
  });

  // A malformed or missing GUID is refused without a database (valueType; test/hostile/values.test.ts).
  it('candidateCustomFieldGuid refuses a GUID that names no custom field', async () => {
    expect(
      await checkColumns(db().knex, {
        columns: [{ name: 'candidateCustomFieldGuid', value: '8345C0A3-B8AB-7F65-0638-39B0E1244AA9' }],
      }),
    ).to.deep.equal(['no custom field has the GUID 8345C0A3-B8AB-7F65-0638-39B0E1244AA9']);
  });

  it('templatedValue needs a templateId that the templates parameter defines', async () => {
    const templates = { templates: { '1': '{0}', '2': '{1}' } };
    expect(
      await checkColumns(db().knex, {
        columns: ['candidateName', { name: 'templatedValue', attributes: { templateId: '1' } }],
        parameters: { templates },
      }),
    ).to.deep.equal([]);
    expect(
      await checkColumns(db().knex, {
        columns: ['candidateName', { name: 'templatedValue', attributes: { templateId: '3' } }],
        parameters: { templates },
      }),
    ).to.deep.equal([
      'templatedValue names template 3, which the templates parameter does not define; known ids: 1, 2',
    ]);
    expect(await checkColumns(db().knex, { columns: [{ name: 'templatedValue', attributes: {} }] })).to.deep.equal([
      'templatedValue needs a templateId attribute',
    ]);
    expect(
      await checkColumns(db().knex, {
        columns: ['candidateName', { name: 'templatedValue', attributes: { templateId: '2' } }],
        parameters: { templates },
      }),
    ).to.deep.equal(['template 2 refers to {1}, the templatedValue column itself']);
    expect(
      await checkColumns(db().knex, {
        columns: [{ name: 'templatedValue', attributes: { templateId: '2' } }],
        parameters: { templates },
      }),
    ).to.deep.equal(['template 2 refers to {1}, but the export has 1 column(s); allowed: {0} to {0}']);
  });
});
