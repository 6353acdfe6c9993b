import { expect } from 'chai';
import { createContainer, Registry } from '@exportkit/core';
import writersModule, {
  DEFAULT_FILE_ACTION_OPTIONS,
  FILE_ACTION_OPTIONS,
  FileExportAction,
  InvalidFileOptionError,
  resolveFileActionOptions,
} from '@exportkit/writers';

describe('writers: fileExportAction options', () => {
  it('describes every template option with PIPELINE.md defaults', () => {
    expect(Object.keys(FILE_ACTION_OPTIONS)).to.deep.equal([
      'format',
      'encoding',
      'bom',
      'delimiter',
      'showHeaders',
      'decimal',
      'fileName',
      'formulaEscape',
      'unmappable',
    ]);
    const defaults = Object.fromEntries(Object.entries(FILE_ACTION_OPTIONS).map(([k, v]) => [k, v.default]));
    expect(defaults).to.deep.equal({
      format: 'CSV',
      encoding: 'UTF-8',
      bom: false,
      delimiter: 'semicolon',
      showHeaders: true,
      decimal: 'point',
      fileName: undefined,
      formulaEscape: false,
      unmappable: 'error',
    });
    // The formats are not listed here: the registry's writers declare them (next test).
    expect(FILE_ACTION_OPTIONS['format']!.type).to.deep.equal({ kind: 'string', nonEmpty: true });
    const delimiter = FILE_ACTION_OPTIONS['delimiter']!.type;
    expect(delimiter.kind === 'enum' && delimiter.values).to.deep.equal(['comma', 'pipe', 'semicolon', 'tabulation']);
  });

  it("takes the formats from the registry's writers: names, aliases, any case, and each writer's own options", () => {
    const registry = Registry.fromContainer(createContainer([writersModule]));
    const action = registry.steps.get('fileExportAction') as FileExportAction;
    const format = action.acceptedOptions(registry)['format']!.type;
    expect(format.kind === 'enum' && format.values).to.deep.equal(['CSV', 'TSV', 'XML', 'XLSX', 'JSON', 'NDJSON']);
    expect(format.kind === 'enum' && format.synonyms?.['XLS']).to.equal('XLSX');
    expect(format.kind === 'enum' && format.synonyms?.['xls']).to.equal('XLSX');
    expect(format.kind === 'enum' && format.synonyms?.['csv']).to.equal('CSV');
    expect(registry.writer('xls')?.metadata.format).to.equal('XLSX');
    expect(action.check({ format: 'PDF' }, registry)).to.deep.equal([
      'no writer for format PDF; known: CSV, TSV, XML, XLSX, JSON, NDJSON',
    ]);
    const plan = action.prepare({ format: 'xls', showHeaders: false }, registry);
    expect(plan.writer).to.equal(registry.writer('XLSX'));
    expect(plan.options.format).to.equal('XLSX');
    // Resolved once: what the writer receives is returned as it is, not parsed again.
    expect(resolveFileActionOptions(plan.options)).to.equal(plan.options);
  });

  it('resolves defaults when nothing is given', () => {
    expect(resolveFileActionOptions({})).to.deep.equal({ format: 'CSV', ...DEFAULT_FILE_ACTION_OPTIONS });
    expect(DEFAULT_FILE_ACTION_OPTIONS).to.deep.equal({
      encoding: 'UTF-8',
      bom: false,
      delimiter: ';',
      showHeaders: true,
      decimal: '.',
      formulaEscape: false,
      unmappable: 'error',
    });
  });

  it('maps template words to values', () => {
    expect(
      resolveFileActionOptions({
        format: 'XLSX',
        encoding: 'windows-1252',
        bom: 'yes',
        delimiter: 'tabulation',
        showHeaders: 'no',
        decimal: 'comma',
        fileName: 'out_%y%m%d',
        formulaEscape: true,
        unmappable: 'replace',
        dateFormat: 'DD/MM/YYYY',
      }),
    ).to.deep.equal({
      format: 'XLSX',
      encoding: 'WINDOWS-1252',
      bom: true,
      delimiter: '\t',
      showHeaders: false,
      decimal: ',',
      fileName: 'out_%y%m%d',
      formulaEscape: true,
      unmappable: 'replace',
    });
    expect(resolveFileActionOptions({ delimiter: 'comma' }).delimiter).to.equal(',');
    expect(resolveFileActionOptions({ delimiter: 'pipe' }).delimiter).to.equal('|');
    expect(resolveFileActionOptions({ delimiter: 'semicolon' }).delimiter).to.equal(';');
    expect(resolveFileActionOptions({ decimal: 'point' }).decimal).to.equal('.');
    expect(resolveFileActionOptions({ encoding: 'latin1' }).encoding).to.equal('ISO-8859-1');
  });

  it('is idempotent on resolved values', () => {
    const resolved = resolveFileActionOptions({
      format: 'TSV',
      delimiter: 'pipe',
      decimal: 'comma',
      encoding: 'UTF-16LE',
      bom: true,
    });
    expect(resolveFileActionOptions(resolved)).to.deep.equal(resolved);
  });

  it('refuses values it does not know, naming the option and what is allowed', () => {
    expect(() => resolveFileActionOptions({ delimiter: 'colon' })).to.throw(
      InvalidFileOptionError,
      /delimiter.*allowed: comma, pipe, semicolon, tabulation/,
    );
    expect(() => resolveFileActionOptions({ encoding: 'EBCDIC' })).to.throw(InvalidFileOptionError, /encoding/);
    expect(() => resolveFileActionOptions({ format: '' })).to.throw(InvalidFileOptionError, /format/);
    expect(() => resolveFileActionOptions({ bom: 'maybe' })).to.throw(InvalidFileOptionError, /bom/);
  });
});
