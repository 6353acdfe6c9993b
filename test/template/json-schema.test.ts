import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { templateJsonSchema } from '@exportkit/core';
import { createEngine } from 'exportkit';

/*
 * The JSON Schema of YAML templates (`exportkit schema`), generated from the registry: every
 * shipped YAML config passes it, hostile templates do not, and a plugin's contributions are in
 * it when the plugin is loaded.
 */

const ajv = new Ajv({ allErrors: true, strict: false });
const compiled = new Map<string, ReturnType<typeof ajv.compile>>();
/** The schema's validator for the built-ins and these plugins (compiled once: compiling takes seconds). */
async function validatorFor(plugins: string[] = []) {
  const key = plugins.join('\n');
  if (!compiled.has(key))
    compiled.set(key, ajv.compile(templateJsonSchema(await createEngine({ plugins }).registry())));
  return compiled.get(key)!;
}
const yaml = (text: string) => parse(text) as unknown;

describe('template JSON Schema', function () {
  this.timeout(60_000);

  it("exportkit.schema.json is the registry's (regenerate: npx exportkit schema > exportkit.schema.json)", async () => {
    const schema = templateJsonSchema(await createEngine().registry());
    expect(readFileSync('exportkit.schema.json', 'utf8'), 'exportkit.schema.json is out of date').to.equal(
      `${JSON.stringify(schema, null, 2)}\n`,
    );
  });

  it('accepts every shipped YAML config, each carrying the editor modeline', async () => {
    const validate = await validatorFor();
    const configs = readdirSync('configs').filter((f) => f.endsWith('.yaml'));
    expect(configs.length).to.be.greaterThan(1);
    for (const file of configs) {
      const text = readFileSync(join('configs', file), 'utf8');
      expect(text.split('\n')[0], file).to.equal('# yaml-language-server: $schema=../exportkit.schema.json');
      expect(validate(yaml(text)), `${file}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).to.equal(true);
    }
  });

  const hostile: Record<string, string> = {
    'an unknown column': 'provider: consolidatedTracking\ncolumns: [candidateId, candidateNmae]\n',
    'an unknown key of an export': 'provider: consolidatedTracking\ncolumns: [candidateId]\ncolumnz: [x]\n',
    'an unknown provider': 'provider: consolidatedTrackin\ncolumns: [candidateId]\n',
    'no provider': 'columns: [candidateId]\n',
    'a label over its bound': `provider: consolidatedTracking\ncolumns:\n  - candidateId: {label: ${'x'.repeat(1_001)}}\n`,
    'an attribute the column does not take':
      'provider: consolidatedTracking\ncolumns:\n  - candidateId: {label: Id, colour: red}\n',
    'a column text over its bound': `provider: consolidatedTracking\ncolumns:\n  - constantValue: ${'x'.repeat(10_001)}\n`,
    'a column without its required text': 'provider: consolidatedTracking\ncolumns: [candidateCustomFieldGuid]\n',
    'a custom field that is no GUID':
      'provider: consolidatedTracking\ncolumns:\n  - candidateCustomFieldGuid: not-a-guid\n',
    'an unknown parameter': 'provider: consolidatedTracking\ncolumns: [candidateId]\nparameters: {timeFramez: 3}\n',
    'a number out of range':
      'provider: consolidatedTracking\ncolumns: [candidateId]\nparameters: {timeFrames: 99999999999}\n',
    'a value not allowed':
      'provider: consolidatedTracking\ncolumns: [candidateId]\nparameters: {timeFramesScale: fortnights}\n',
    'a yes/no that is neither':
      'provider: consolidatedTracking\ncolumns: [candidateId]\nparameters: {deltaMode: maybe}\n',
    'an unknown format':
      'provider: consolidatedTracking\ncolumns: [candidateId]\nactions:\n  - fileExportAction: {format: PDF}\n',
    'an unknown option of a step':
      'provider: consolidatedTracking\ncolumns: [candidateId]\nactions:\n  - fileExportAction: {formatt: CSV}\n',
    'an unknown step': 'provider: consolidatedTracking\ncolumns: [candidateId]\nconsolidators: [shredder]\n',
    'a consolidator among the actions':
      'provider: consolidatedTracking\ncolumns: [candidateId]\nactions: [timeLogger]\n',
    'too many columns': `provider: consolidatedTracking\ncolumns: [${Array(1_001).fill('candidateId').join(', ')}]\n`,
    'an empty exports list': 'exports: []\n',
    'a template that is a list': '- provider: consolidatedTracking\n',
  };
  for (const [what, text] of Object.entries(hostile)) {
    it(`rejects ${what}`, async () => {
      const validate = await validatorFor();
      expect(validate(yaml(text))).to.equal(false);
    });
  }

  it("holds a plugin's format, its options, its step, column and parameter when the plugin is loaded", async () => {
    const template = yaml(`
provider: consolidatedTracking
columns: [candidateLogin, acmeTrackingCount]
parameters: {acmeLoginPrefix: bd}
actions:
  - fileExportAction: {format: acme-pipes, pipesSeparator: bang}
consolidators:
  - acmeStamp: {label: checked}
`);
    const withPlugin = await validatorFor([resolve('test/fixtures/acme-kit')]);
    expect(withPlugin(template), JSON.stringify(withPlugin.errors?.slice(0, 3))).to.equal(true);
    expect(
      withPlugin(
        yaml(
          'provider: consolidatedTracking\ncolumns: [candidateId]\nactions:\n  - fileExportAction: {format: PIPES, pipesSeparator: colon}\n',
        ),
      ),
    ).to.equal(false);
    expect((await validatorFor())(template)).to.equal(false);
  });
});
