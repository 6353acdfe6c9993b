import { expect } from 'chai';
import {
  TemplateConversionError,
  readXmlTemplate,
  readYamlTemplate,
  toXml,
  toYaml,
  type ExportConfig,
} from '@exportkit/core';
import { fixture, withoutLines } from './helpers.js';

const same = (a: ExportConfig, b: ExportConfig) =>
  expect(withoutLines(a.exports)).to.deep.equal(withoutLines(b.exports));

describe('template: writers and round trips', () => {
  for (const name of ['user-example', 'full-form']) {
    it(`${name}: XML → model → YAML → model gives the same model except lines`, () => {
      const fromXml = readXmlTemplate(fixture(`${name}.xml`), `${name}.xml`);
      const yaml = toYaml(fromXml);
      same(readYamlTemplate(yaml, 'converted.yaml'), fromXml);
    });

    it(`${name}: YAML → model → XML → model gives the same model except lines`, () => {
      const fromYaml = readYamlTemplate(fixture(`${name}.yaml`), `${name}.yaml`);
      same(readXmlTemplate(toXml(fromYaml), 'converted.xml'), fromYaml);
    });

    it(`${name}: XML → YAML → XML is stable`, () => {
      const fromXml = readXmlTemplate(fixture(`${name}.xml`), `${name}.xml`);
      const xml = toXml(fromXml);
      const again = toXml(readYamlTemplate(toYaml(fromXml), 'c.yaml'));
      expect(again).to.equal(xml);
    });
  }

  it("writes the user's example in the short forms", () => {
    const fromXml = readXmlTemplate(fixture('user-example.xml'), 'user-example.xml');
    const yaml = toYaml(fromXml);
    expect(yaml).to.match(/^provider: consolidatedTrackingProvider\ncolumns:\n {2}- candidateId\n/);
    expect(yaml).to.contain(
      '  - candidateCustomFieldGuid:\n      label: Department\n      value: 8345C0A3-B8AB-7F65-0638-39B0E1244AA8\n',
    );
    expect(yaml).to.contain('  timeFrames: "3"\n');
    const xml = toXml(fromXml);
    expect(xml).to.match(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<providers>\n {2}<consolidatedTrackingProvider>\n/,
    );
    expect(xml).to.contain(
      '<candidateCustomFieldGuid label="Department">8345C0A3-B8AB-7F65-0638-39B0E1244AA8</candidateCustomFieldGuid>',
    );
  });

  it('writes templates as an id map and escapes XML', () => {
    const fromXml = readXmlTemplate(fixture('full-form.xml'), 'full-form.xml');
    const yaml = toYaml(fromXml);
    expect(yaml).to.match(/templates:\n\s+"1": "\{0\} - \{1\}"\n\s+"2": <b>\{0\}<\/b>\n/);
    expect(yaml).to.match(/^exports:\n/);
    const xml = toXml(fromXml);
    expect(xml).to.contain('<constantValue>R&amp;D &lt;team&gt;</constantValue>');
    expect(xml).to.contain('<template id="2">&lt;b&gt;{0}&lt;/b&gt;</template>');
  });

  it('YAML lists become comma-separated XML text', () => {
    const config = readYamlTemplate('provider: p\nparameters:\n  activityType: [a, b]\n', 'l.yaml');
    const xml = toXml(config);
    expect(xml).to.contain('<activityType>a,b</activityType>');
    const bad = readYamlTemplate('provider: p\nparameters:\n  activityType: ["a,b", c]\n', 'l.yaml');
    expect(() => toXml(bad)).to.throw(TemplateConversionError, /comma/);
  });

  it('refuses names that are not XML names', () => {
    const config = readYamlTemplate('provider: p\ncolumns: ["not a name"]\n', 'n.yaml');
    expect(() => toXml(config)).to.throw(TemplateConversionError, /not a valid XML element name/);
  });
});
