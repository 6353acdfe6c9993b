import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import {
  ExportkitError,
  TemplateError,
  TemplateFileError,
  detectTemplateFormat,
  parseTemplate,
  readTemplate,
  readXmlTemplate,
} from '@exportkit/core';
import { fixture, fixturePath, withoutLines } from './helpers.js';

describe('template: readTemplate / parseTemplate', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'exportkit-templates-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('chooses the reader by extension', async () => {
    const xml = await readTemplate(fixturePath('user-example.xml'));
    const yaml = await readTemplate(fixturePath('user-example.yaml'));
    expect(xml.format).to.equal('xml');
    expect(xml.file).to.equal(fixturePath('user-example.xml'));
    expect(yaml.format).to.equal('yaml');
    const yml = join(dir, 'copy.YML');
    writeFileSync(yml, fixture('user-example.yaml'));
    expect((await readTemplate(yml)).format).to.equal('yaml');
  });

  it('sniffs the content when the extension says nothing', async () => {
    const xmlFile = join(dir, 'template.txt');
    writeFileSync(xmlFile, '\n  ' + fixture('user-example.xml'));
    const yamlFile = join(dir, 'template');
    writeFileSync(yamlFile, fixture('user-example.yaml'));
    expect((await readTemplate(xmlFile)).format).to.equal('xml');
    expect((await readTemplate(yamlFile)).format).to.equal('yaml');
    expect(detectTemplateFormat('a.conf', '\uFEFF<providers/>')).to.equal('xml');
    expect(detectTemplateFormat('a.conf', 'provider: p')).to.equal('yaml');
    expect(detectTemplateFormat('a.xml', 'provider: p')).to.equal('xml');
  });

  it('a missing file is a clear ExportkitError (exit 2: the command line names it), not a TemplateError', async () => {
    const missing = join(dir, 'nope.xml');
    try {
      await readTemplate(missing);
      expect.fail('expected an error');
    } catch (error) {
      expect(error).to.be.instanceOf(ExportkitError);
      expect(error).to.be.instanceOf(TemplateFileError);
      expect(error).to.not.be.instanceOf(TemplateError);
      expect((error as Error).message).to.equal(`cannot read the template ${missing}: no such file`);
      expect((error as ExportkitError).exitCode).to.equal(2);
    }
  });

  it('a bad template file is a TemplateError naming the path', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'provider: p\ncolums: []\n');
    try {
      await readTemplate(bad);
      expect.fail('expected an error');
    } catch (error) {
      expect(error).to.be.instanceOf(TemplateError);
      expect((error as TemplateError).issues[0]).to.include({ file: bad, line: 2, suggestion: 'columns' });
    }
  });

  it('honours the encoding of the XML declaration', async () => {
    const latin1 = join(dir, 'latin1.xml');
    const text =
      '<?xml version="1.0" encoding="ISO-8859-1"?>\n<providers><p><columns><constantValue>Montréal</constantValue></columns></p></providers>';
    writeFileSync(latin1, Buffer.from(text, 'latin1'));
    const config = await readTemplate(latin1);
    expect(config.exports[0]!.provider.columns[0]!.value).to.equal('Montréal');
    const broken = join(dir, 'broken.xml');
    writeFileSync(broken, Buffer.from(text.replace('ISO-8859-1', 'UTF-8'), 'latin1'));
    try {
      await readTemplate(broken);
      expect.fail('expected an error');
    } catch (error) {
      expect(error).to.be.instanceOf(TemplateError);
    }
  });

  it('parseTemplate takes the text, the file for messages and an optional format', () => {
    const text = fixture('user-example.xml');
    expect(withoutLines(parseTemplate(text, 'x'))).to.deep.equal(withoutLines(readXmlTemplate(text, 'x')));
    expect(parseTemplate('provider: p', 'whatever.xml', 'yaml').format).to.equal('yaml');
  });
});
