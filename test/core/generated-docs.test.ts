import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { columnsMarkdown, parametersMarkdown, stepsMarkdown } from '@exportkit/core';
import { createEngine } from 'exportkit';

describe('generated docs', () => {
  it('docs/columns.md, docs/parameters.md and docs/steps.md match the registry (regenerate: npx exportkit docs)', async () => {
    const description = await createEngine().describe();
    expect(readFileSync('docs/steps.md', 'utf8'), 'docs/steps.md is out of date').to.equal(stepsMarkdown(description));
    expect(readFileSync('docs/columns.md', 'utf8'), 'docs/columns.md is out of date').to.equal(
      columnsMarkdown(description),
    );
    expect(readFileSync('docs/parameters.md', 'utf8'), 'docs/parameters.md is out of date').to.equal(
      parametersMarkdown(description),
    );
  });

  it('lists every column with its aliases and type', async () => {
    const description = await createEngine().describe();
    const markdown = columnsMarkdown(description);
    const tracking = description.providers.find((p) => p.name === 'consolidatedTracking')!;
    for (const column of tracking.columns) expect(markdown).to.contain(`| \`${column.name}\``);
    expect(markdown).to.contain('`sessionRegistrationDate` (`registrationDate`) | datetime |');
  });
});
