import { expect } from 'chai';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { readXmlTemplate, readYamlTemplate, templateJsonSchema, toXml, toYaml } from '@exportkit/core';
import { createEngine } from 'exportkit';
import { issuesOf } from './helpers.js';

/*
 * A template's own `schedule:` (YAML key, `<schedule>` of `<export-config>` in XML): read with
 * its line, checked as `exportkit schedule set` checks (the cron expression, the time zone),
 * carried by `exportkit convert` both ways, and described by the JSON Schema.
 */

const EXPORT = 'provider: consolidatedTracking\ncolumns: [candidateId]\n';
const yaml = (text: string) => readYamlTemplate(text, 't.yaml');
const xml = (text: string) => readXmlTemplate(text, 't.xml');
const XML_EXPORT =
  '  <export name="nightly">\n    <providers>\n      <consolidatedTrackingProvider>\n' +
  '        <columns><candidateId/></columns>\n      </consolidatedTrackingProvider>\n    </providers>\n  </export>\n';

describe('template: the schedule key', () => {
  it('YAML: a map of cron and timeZone beside one export’s keys, with its line', () => {
    const config = yaml(`${EXPORT}schedule: { cron: "0 2 * * *", timeZone: Europe/Paris }\n`);
    expect(config.schedule).to.deep.equal({ line: 3, cron: '0 2 * * *', timeZone: 'Europe/Paris' });
    expect(config.exports).to.have.length(1);
  });

  it('YAML: a bare cron expression is read in UTC; beside an `exports:` list too', () => {
    const config = yaml(`schedule: "30 6 * * 1-5"\nexports:\n  - name: a\n    ${EXPORT.replace('\n', '\n    ')}`);
    expect(config.schedule).to.deep.equal({ line: 1, cron: '30 6 * * 1-5', timeZone: 'UTC' });
    expect(config.exports.map((e) => e.name)).to.deep.equal(['a']);
  });

  it('a template without the key has no schedule', () => {
    expect(yaml(EXPORT)).to.not.have.property('schedule');
  });

  it('YAML: a bad cron expression, an unknown zone, an unknown key: each refused at its line, saying what is allowed', () => {
    const issues = issuesOf(() => yaml(`${EXPORT}schedule:\n  cron: "0 25 * * *"\n  timeZone: UTC\n`));
    expect(issues.map((i) => [i.line, i.element])).to.deep.equal([[4, 'schedule']]);
    expect(issues[0]!.message).to.match(/"0 25 \* \* \*" is not a cron expression \(five fields, .*\): .*0-23/);

    const zone = issuesOf(() => yaml(`${EXPORT}schedule:\n  cron: "0 2 * * *"\n  timeZone: Europe/Pariss\n`));
    expect(zone.map((i) => [i.line, i.element])).to.deep.equal([[5, 'schedule']]);
    expect(zone[0]!.message).to.match(
      /time zone "Europe\/Pariss" is not an IANA region name .*did you mean Europe\/Paris\?/,
    );

    const key = issuesOf(() => yaml(`${EXPORT}schedule:\n  cron: "0 2 * * *"\n  timezone: UTC\n`));
    expect(key.map((i) => [i.line, i.element, i.suggestion])).to.deep.equal([[5, 'timezone', 'timeZone']]);

    const missing = issuesOf(() => yaml(`${EXPORT}schedule:\n  timeZone: UTC\n`));
    expect(missing[0]!.message).to.match(/has no `cron:`/);

    const list = issuesOf(() => yaml(`${EXPORT}schedule: ["0 2 * * *"]\n`));
    expect(list[0]!.message).to.match(/expects a cron expression .*, found a list/);
  });

  it('YAML: `schedule` inside an item of `exports` belongs to the template, and is refused there', () => {
    const issues = issuesOf(() =>
      yaml(`exports:\n  - name: a\n    schedule: "0 2 * * *"\n    ${EXPORT.replace('\n', '\n    ')}`),
    );
    expect(issues.map((i) => [i.line, i.element])).to.deep.equal([[3, 'schedule']]);
  });

  it('XML: <schedule> of <export-config>, timeZone defaulting to UTC; a bad one refused at its line', () => {
    const config = xml(
      `<export-config>\n  <schedule cron="0 2 * * *" timeZone="Europe/Paris"/>\n${XML_EXPORT}</export-config>\n`,
    );
    expect(config.schedule).to.deep.equal({ line: 2, cron: '0 2 * * *', timeZone: 'Europe/Paris' });
    expect(xml(`<export-config>\n${XML_EXPORT}  <schedule cron="@daily"/>\n</export-config>\n`).schedule).to.deep.equal(
      {
        line: 9,
        cron: '@daily',
        timeZone: 'UTC',
      },
    );

    const issues = issuesOf(() =>
      xml(`<export-config>\n${XML_EXPORT}  <schedule cron="every night" zone="UTC"/>\n</export-config>\n`),
    );
    expect(issues.map((i) => [i.line, i.element])).to.deep.equal([
      [9, 'zone'],
      [9, 'schedule'],
    ]);
    expect(issues[1]!.message).to.match(/"every night" is not a cron expression/);

    const twice = issuesOf(() =>
      xml(
        `<export-config>\n  <schedule cron="@daily"/>\n  <schedule cron="@hourly"/>\n${XML_EXPORT}</export-config>\n`,
      ),
    );
    expect(twice.map((i) => [i.line, i.message])).to.deep.equal([
      [3, 'appears twice in <export-config>; give it once'],
    ]);

    const alone = issuesOf(() => xml(`<export-config>\n  <schedule cron="@daily"/>\n</export-config>\n`));
    expect(alone.map((i) => i.message)).to.deep.equal(['holds no <export>']);
  });

  it('convert keeps it both ways: YAML → XML → YAML and XML → YAML → XML', () => {
    const fromYaml = yaml(`schedule: { cron: "0 2 * * *", timeZone: Europe/Paris }\n${EXPORT}`);
    const asXml = toXml(fromYaml);
    expect(asXml).to.contain('<export-config>\n  <schedule cron="0 2 * * *" timeZone="Europe/Paris"/>\n');
    const back = readXmlTemplate(asXml, 'c.xml');
    expect(back.schedule).to.deep.equal({ line: 3, cron: '0 2 * * *', timeZone: 'Europe/Paris' });
    const asYaml = toYaml(back);
    expect(asYaml.split('\n').slice(0, 3)).to.deep.equal([
      'schedule:',
      '  cron: 0 2 * * *',
      '  timeZone: Europe/Paris',
    ]);
    expect(readYamlTemplate(asYaml, 'c.yaml').schedule).to.deep.equal({ ...fromYaml.schedule, line: 1 });
    expect(toXml(readYamlTemplate(asYaml, 'c.yaml'))).to.equal(asXml);
  });

  it('the JSON Schema takes it at the top level (both forms), not inside an item of `exports`', async function () {
    this.timeout(60_000);
    const validate = new Ajv({ allErrors: true, strict: false }).compile(
      templateJsonSchema(await createEngine().registry()),
    );
    const accepts = (text: string) => validate(parse(text));
    expect(accepts(`${EXPORT}schedule: { cron: "0 2 * * *", timeZone: Europe/Paris }\n`)).to.equal(true);
    expect(accepts(`schedule: "0 2 * * *"\nexports:\n  - ${EXPORT.replace('\n', '\n    ')}`)).to.equal(true);
    expect(accepts(`${EXPORT}schedule: { timeZone: UTC }\n`), 'no cron').to.equal(false);
    expect(accepts(`${EXPORT}schedule: { cron: "0 2 * * *", tz: UTC }\n`), 'an unknown key').to.equal(false);
    expect(
      accepts(`exports:\n  - schedule: "0 2 * * *"\n    ${EXPORT.replace('\n', '\n    ')}`),
      'in an item',
    ).to.equal(false);
  });
});
