import { expect } from 'chai';
import { resolve } from 'node:path';
import { DuplicateContributionError, InvalidContributionError, parseTemplate } from '@exportkit/core';
import { createEngine } from 'exportkit';
import { forEachDatabase } from '../support/databases.js';

/*
 * Plugin mistakes are refused when the engine first builds its registry, before any template
 * runs, each with the contribution, its class, its package and the closest known name; a
 * plugin's SQL mistake is found by validate with a database (and a dry run), named by column.
 */

const mistake = (name: string) => resolve('test/fixtures/plugin-mistakes', name);

async function startUpError(plugin: string): Promise<Error> {
  const engine = createEngine({ plugins: [plugin] });
  const error = await engine.registry().then(
    () => undefined,
    (e: Error) => e,
  );
  if (!error) expect.fail('the registry was built');
  // The engine refuses templates for the same reason, before reading them.
  const validated = await engine
    .validate(parseTemplate('provider: consolidatedTracking\ncolumns: [candidateId]\n', 't.yaml', 'yaml'))
    .then(
      () => undefined,
      (e: Error) => e,
    );
  expect(validated?.message).to.equal(error.message);
  return error;
}

describe('plugins: contributions checked at start-up', () => {
  it('a column naming an unknown provider: the provider it meant, the column, its class and package', async () => {
    const error = await startUpError(mistake('provider-typo'));
    expect(error).to.be.instanceOf(InvalidContributionError).and.not.instanceOf(DuplicateContributionError);
    expect(error.message).to.equal(
      'column acmeLoginUpper (AcmeLoginUpperColumn from @acme/exportkit-provider-typo): unknown provider "consolidatedTrackin"; did you mean "consolidatedTracking"?',
    );
  });

  it('a column declaring an unknown relation: refused before any run, naming the column, its plugin and the relation it meant', async () => {
    const error = await startUpError(mistake('relation-typo'));
    expect(error).to.be.instanceOf(InvalidContributionError);
    expect(error.message).to.equal(
      'column acmeLearnerLogin (AcmeLearnerLoginColumn from @acme/exportkit-relation-typo): unknown relation "lerner" of consolidatedTracking; did you mean "learner"?',
    );
  });

  it('a name claimed twice: both classes and both packages', async () => {
    const error = await startUpError(mistake('duplicate-column'));
    expect(error).to.be.instanceOf(DuplicateContributionError);
    expect(error.message).to.equal(
      'column of consolidatedTracking name "candidateLogin" is claimed twice: by CandidateLoginColumn from @exportkit/plugin-consolidated-tracking (candidateLogin) and by UpperLoginColumn from @acme/exportkit-duplicate-column (candidateLogin)',
    );
  });
});

forEachDatabase('plugins: a SQL mistake found before any run', (db) => {
  const TYPO = resolve('test/fixtures/typo-plugin');
  const template = parseTemplate(
    'provider: consolidatedTracking\ncolumns: [candidateId, acmeLoginTypo, sessionTitle]\n',
    'typo.yaml',
    'yaml',
  );

  it("validate with a database names the column and its plugin, with the database's words, never the statement", async () => {
    const engine = createEngine({ knex: db().knex, plugins: [TYPO] });
    const issues = await engine.validate(template);
    expect(issues).to.deep.equal([
      {
        file: 'typo.yaml',
        line: 2,
        element: 'acmeLoginTypo',
        message: 'column acmeLoginTypo (from @acme/exportkit-typo): column learner.logn does not exist',
      },
    ]);
  });

  it('a dry run refuses the export with the same words', async () => {
    const engine = createEngine({ knex: db().knex, plugins: [TYPO] });
    const error = await engine.dryRun(template).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).to.equal(
      'export typo: column acmeLoginTypo (from @acme/exportkit-typo): column learner.logn does not exist',
    );
  });

  it('a sound template prepares: no issue', async () => {
    const engine = createEngine({ knex: db().knex, plugins: [TYPO] });
    expect(
      await engine.validate(
        parseTemplate('provider: consolidatedTracking\ncolumns: [candidateId, sessionTitle]\n', 'ok.yaml', 'yaml'),
      ),
    ).to.deep.equal([]);
  });
});
