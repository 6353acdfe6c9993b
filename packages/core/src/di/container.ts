import 'reflect-metadata';
import { Container, ContainerModule, type ContainerModuleLoadOptions } from 'inversify';
import { ContributionTokens } from './tokens.js';
import { contributionKindOf } from './decorators.js';
import { rememberClasses } from './origin.js';

/*
 * Every call of the inversify API lives in this file, so that a major upgrade of inversify
 * (7 → 8 changed load, get and ContainerModule) stays a local change.
 */

export type PluginModule = ContainerModule;
export type Bind = ContainerModuleLoadOptions['bind'];
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Constructor = new (...args: any[]) => object;

/**
 * A plugin's module from its contribution classes: each class is bound to itself as a
 * singleton, and its contribution point (taken from its decorator) to that service.
 * `extra` binds anything else the plugin's classes inject.
 */
export function pluginModule(classes: readonly Constructor[], extra?: (bind: Bind) => void): PluginModule {
  const module = new ContainerModule(({ bind }) => {
    for (const cls of classes) bindContribution(bind, cls);
    extra?.(bind);
  });
  rememberClasses(module, classes);
  return module;
}

export function bindContribution(bind: Bind, cls: Constructor): void {
  const kind = contributionKindOf(cls);
  if (!kind) throw new Error(`${cls.name} has no contribution decorator (@column, @parameter, ...)`);
  bind(cls).toSelf().inSingletonScope();
  bind(ContributionTokens[kind]).toService(cls);
}

export function isPluginModule(value: unknown): value is PluginModule {
  return value instanceof ContainerModule;
}

export interface ContributionContainer {
  getAll<T>(token: symbol): T[];
}

/** A fresh container holding the given plugin modules. */
export function createContainer(modules: readonly PluginModule[]): ContributionContainer {
  const container = new Container({ defaultScope: 'Singleton' });
  container.load(...modules);
  return {
    getAll<T>(token: symbol): T[] {
      return container.isBound(token) ? container.getAll<T>(token) : [];
    },
  };
}
