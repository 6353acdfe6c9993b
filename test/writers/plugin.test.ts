import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Tokens, createContainer, type Writer } from '@exportkit/core';
import writersModule, { CsvWriter } from '@exportkit/writers';

describe('writers: plugin module', () => {
  it('contributes the six format writers through DI', () => {
    const writers = createContainer([writersModule]).getAll<Writer>(Tokens.Writer);
    const formats = writers.map((w) => [w.metadata.format, w.metadata.extension, [...(w.metadata.aliases ?? [])]]);
    expect(formats).to.include.deep.members([
      ['CSV', 'csv', []],
      ['TSV', 'tsv', []],
      ['XML', 'xml', []],
      ['XLSX', 'xlsx', ['XLS']],
      ['JSON', 'json', []],
      ['NDJSON', 'ndjson', []],
    ]);
    for (const w of writers) expect(w.metadata.description).to.be.a('string').and.not.equal('');
  });

  it('is declared as a plugin in package.json', async () => {
    const require = createRequire(import.meta.url);
    const pkg = JSON.parse(await readFile(require.resolve('@exportkit/writers/package.json'), 'utf8')) as {
      exportkit?: { plugin?: string };
    };
    expect(pkg.exportkit?.plugin).to.equal('dist/index.js');
    expect(new CsvWriter().metadata.options).to.have.keys('delimiter', 'formulaEscape');
  });
});
