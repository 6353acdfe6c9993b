import { expect } from 'chai';
import { ownEntry, readXmlTemplate, readYamlTemplate, type ExportConfig } from '@exportkit/core';

/*
 * `constructor`, `toString`, `hasOwnProperty` and `__proto__` written in a template are names
 * like any other: stored as themselves in the model, and never found where they are not written.
 */
const NAMES = ['constructor', 'toString', 'hasOwnProperty', '__proto__'];

function xml(name: string): ExportConfig {
  return readXmlTemplate(
    `<export-config><export>
      <providers><p>
        <columns><c ${name}="1"/></columns>
        <parameters><m><${name}>x</${name}></m><e><t ${name}="1"/><t/></e></parameters>
      </p></providers>
      <actions><a ${name}="1"/></actions>
    </export></export-config>`,
    't.xml',
  );
}

function yaml(name: string): ExportConfig {
  return readYamlTemplate(
    `provider: p\ncolumns:\n  - c: {${name}: "1"}\nparameters:\n  m: {${name}: x}\n  e: [{t: {${name}: "1"}}, {t: ""}]\nactions:\n  - a: {${name}: "1"}\n`,
    't.yaml',
  );
}

describe('template: names of Object.prototype members', () => {
  for (const [spelling, read] of [
    ['XML', xml],
    ['YAML', yaml],
  ] as const) {
    for (const name of NAMES) {
      it(`${spelling}: ${name} is stored as itself in column attributes, maps, entries and step options`, () => {
        const [definition] = read(name).exports;
        const [column] = definition!.provider.columns;
        const [map, entries] = definition!.provider.parameters;
        const [action] = definition!.actions;
        expect(Object.keys(column!.attributes)).to.deep.equal([name]);
        expect(ownEntry(column!.attributes, name)).to.equal('1');
        expect(map!.value.kind).to.equal('map');
        if (map!.value.kind === 'map') expect(Object.keys(map!.value.children)).to.deep.equal([name]);
        expect(entries!.value.kind).to.equal('entries');
        if (entries!.value.kind === 'entries') {
          expect(Object.keys(entries!.value.entries[0]!.attributes)).to.deep.equal([name]);
          expect(ownEntry(entries!.value.entries[1]!.attributes, name)).to.equal(undefined);
        }
        expect(Object.keys(action!.options)).to.deep.equal([name]);
        expect(Object.getPrototypeOf(action!.options)).to.equal(null);
      });
    }

    it(`${spelling}: a record never finds a name that is not written in it`, () => {
      const [definition] = read('other').exports;
      const [action] = definition!.actions;
      for (const name of NAMES) {
        expect(action!.options[name], name).to.equal(undefined);
        expect(definition!.provider.columns[0]!.attributes[name], name).to.equal(undefined);
      }
    });
  }
});
