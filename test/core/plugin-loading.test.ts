import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { loadPlugin, PluginLoadError, createContainer, Registry } from '@exportkit/core';
import { createEngine } from 'exportkit';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = resolve(here, '../../fixtures');

describe('plugin loading', () => {
  it('loads a plugin package by path and its column joins the provider', async () => {
    const engine = createEngine({ plugins: [join(fixtures, 'acme-plugin')], knex: undefined });
    const registry = await engine.registry();
    const tracking = registry.provider('consolidatedTracking');
    expect(tracking, 'built-in provider').to.not.equal(undefined);
    const added = tracking!.columns.get('acmeLogin');
    expect(added?.metadata.name).to.equal('acmeLoginUpper');
    expect(added?.metadata.relations).to.deep.equal(['learner']);
  });

  it('loads the built-in plugins by package name', async () => {
    const registry = Registry.fromContainer(
      createContainer([await loadPlugin('@exportkit/plugin-consolidated-tracking', process.cwd())]),
    );
    expect(registry.provider('consolidatedTrackingProvider')?.provider.metadata.name).to.equal('consolidatedTracking');
  });

  it('explains a missing package or entry', async () => {
    let error: unknown;
    try {
      await loadPlugin('@acme/does-not-exist', process.cwd());
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(PluginLoadError);
    expect((error as Error).message).to.match(/@acme\/does-not-exist: package not found/);
    try {
      await loadPlugin('./nowhere', fixtures);
      expect.fail('should throw');
    } catch (e) {
      expect((e as Error).message).to.match(/does not exist/);
    }
  });

  it('refuses a module that does not export a ContainerModule', async () => {
    try {
      await loadPlugin(fileURLToPath(import.meta.url), here);
      expect.fail('should throw');
    } catch (e) {
      expect((e as Error).message).to.match(/must export a ContainerModule/);
    }
  });
});
