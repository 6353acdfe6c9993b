import { expect } from 'chai';
import {
  column,
  createContainer,
  pluginModule,
  Registry,
  SqlColumn,
  DuplicateContributionError,
} from '@exportkit/core';
import { demoClasses, demoPlugin, ItemLabelColumn } from '../support/test-provider.js';

describe('registry', () => {
  it('indexes contributions by provider, canonical name and alias', () => {
    const registry = Registry.fromContainer(createContainer([demoPlugin]));
    const demo = registry.provider('demo');
    expect(demo, 'by name').to.not.equal(undefined);
    expect(registry.provider('demoProvider'), 'by XML element').to.equal(demo);
    expect(demo!.columns.get('label')).to.be.instanceOf(ItemLabelColumn);
    expect(demo!.columns.canonicalOf('label')).to.equal('itemLabel');
    expect(demo!.columns.canonicalNames()).to.include.members(['itemId', 'itemLabel', 'ownerName']);
    expect(demo!.parameters.get('owners')?.metadata.name).to.equal('ownerNames');
    expect(demo!.relations.get('boss')?.metadata.dependsOn).to.deep.equal(['owner']);
    expect(registry.provider('nope')).to.equal(undefined);
  });

  it('returns the same singleton for a class and its contribution point', () => {
    const registry = Registry.fromContainer(createContainer([demoPlugin]));
    const again = registry.provider('demo')!.columns.get('itemLabel');
    expect(registry.provider('demo')!.columns.get('label')).to.equal(again);
  });

  it('fails at start-up when two contributions claim one name, naming both', () => {
    @column({ provider: 'demo', name: 'otherLabel', aliases: ['label'], type: 'string', description: 'clash' })
    class ClashingColumn extends SqlColumn {}
    const clash = pluginModule([ClashingColumn]);
    expect(() => Registry.fromContainer(createContainer([demoPlugin, clash]))).to.throw(
      DuplicateContributionError,
      /"label" is claimed twice: by ItemLabelColumn \(itemLabel\) and by ClashingColumn \(otherLabel\)/,
    );
  });

  it('refuses a column of a provider that no plugin contributes', () => {
    @column({ provider: 'ghost', name: 'x', type: 'string', description: 'x' })
    class GhostColumn extends SqlColumn {}
    expect(() => Registry.fromContainer(createContainer([pluginModule([GhostColumn])]))).to.throw(
      /^column x \(GhostColumn\): unknown provider "ghost"; known: /,
    );
  });

  it('refuses a class without a contribution decorator', () => {
    class Plain {}
    expect(() => pluginModule([Plain])).not.to.throw(); // binding happens on load
    expect(() => createContainer([pluginModule([Plain])])).to.throw(/no contribution decorator/);
    expect(demoClasses.length).to.be.greaterThan(5);
  });
});
