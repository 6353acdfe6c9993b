import { expect } from 'chai';
import {
  compileDatePattern,
  datePatternToSql,
  formatDuration,
  trimDecimals,
  stripHtml,
  cropTo,
  createFormatContext,
  formattingSettings,
  createRowFormatter,
  typeFormatters,
} from '@exportkit/core';

describe('formatters', () => {
  it('date patterns: YYYY YY MM DD, the rest literal', () => {
    expect(compileDatePattern('DD/MM/YYYY', false)('2021-02-04')).to.equal('04/02/2021');
    expect(compileDatePattern('YY.MM.DD (YYYY)', false)('2021-02-04')).to.equal('21.02.04 (2021)');
    expect(compileDatePattern('hh', false)('2021-02-04'), 'time tokens are literal in a date').to.equal('hh');
  });

  it('datetime patterns: hh ii ss and HH II SS', () => {
    const canonical = '2021-02-04 07:05:09';
    expect(compileDatePattern('YYYY-MM-DD hh:ii:ss', true)(canonical)).to.equal('2021-02-04 07:05:09');
    expect(compileDatePattern('DD/MM/YY HH:II:SS', true)(canonical)).to.equal('04/02/21 07:05:09');
    expect(compileDatePattern('YYYYMMDDThhii', true)(canonical)).to.equal('20210204T0705');
  });

  it('date patterns translate to to_char with literals quoted', () => {
    expect(datePatternToSql('DD/MM/YYYY hh:ii:ss', true)).to.equal('DD"/"MM"/"YYYY" "HH24":"MI":"SS');
    expect(datePatternToSql('YYYY-MM-DD', false)).to.equal('YYYY"-"MM"-"DD');
  });

  it('durations in every timeGlobalFormat', () => {
    expect(formatDuration(5115, 'iso-8601')).to.equal('PT1H25M15S');
    expect(formatDuration(0, 'iso-8601')).to.equal('PT0S');
    expect(formatDuration(3600, 'iso-8601')).to.equal('PT1H');
    expect(formatDuration(5115, 'rawSeconds')).to.equal('5115');
    expect(formatDuration(5115, 'rawMinutes')).to.equal('85.25');
    expect(formatDuration(60, 'rawMinutes')).to.equal('1');
    expect(formatDuration(5115, 'padded')).to.equal('001:25');
    expect(formatDuration(5115, 'paddedhh')).to.equal('01:25');
    expect(formatDuration(360000, 'paddedhh')).to.equal('100:00');
  });

  it('floats without trailing zeros', () => {
    expect(trimDecimals('80.00')).to.equal('80');
    expect(trimDecimals('12.50')).to.equal('12.5');
    expect(trimDecimals('33.33')).to.equal('33.33');
    expect(trimDecimals('-0.00')).to.equal('0');
    expect(trimDecimals('100')).to.equal('100');
  });

  it('stripHTML removes tags and decodes entities; maxLength crops by characters', () => {
    expect(stripHtml('<b>Intro</b> &amp; <i>more</i> &eacute;t&#233;')).to.equal('Intro & more été');
    expect(stripHtml('plain')).to.equal('plain');
    expect(cropTo('abcdef', 3)).to.equal('abc');
    expect(cropTo('a😀b', 2)).to.equal('a😀');
  });

  it('row formatter: per type, NULL as empty, then stripHTML and maxLength', () => {
    const params = new Map<string, unknown>([
      ['df', 'DD/MM/YYYY'],
      ['strip', 'yes'],
      ['max', 5],
    ]);
    const settings = formattingSettings({ dateFormat: 'df', stripHtml: 'strip', maxLength: 'max' }, params);
    const context = createFormatContext(settings, params);
    const col = (type: 'int' | 'float' | 'date' | 'string') => ({
      column: { metadata: { type, name: type, provider: 'x', description: '' }, select: () => undefined },
      use: { spec: { name: type, attributes: {}, line: 1 }, index: 0, header: type },
    });
    const format = createRowFormatter(
      [col('int'), col('float'), col('date'), col('string')],
      [0, 1, 2, 3],
      context,
      settings,
    );
    const row = format(['42', '12.50', '2021-02-04', '<b>Hello</b> world']);
    expect(row.cells).to.deep.equal(['42', '12.5', '04/02', 'Hello']);
    expect(row.raw).to.deep.equal(['42', '12.50', '2021-02-04', '<b>Hello</b> world']);
    expect(format([null, null, null, null]).cells).to.deep.equal(['', '', '', '']);
    expect(Object.keys(typeFormatters)).to.have.members([
      'int',
      'float',
      'string',
      'longtext',
      'date',
      'datetime',
      'enum',
      'duration',
    ]);
  });
});
