import 'reflect-metadata';
import { injectable } from 'inversify';
import type { ColumnMetadata } from '../contributions/column.js';
import type { ParameterMetadata } from '../contributions/parameter.js';
import type { ProviderMetadata } from '../contributions/provider.js';
import type { RelationMetadata } from '../contributions/relation.js';
import type { WriterMetadata } from '../contributions/writer.js';
import type { PipelineStepMetadata } from '../contributions/pipeline-step.js';
import type { ContributionKind } from './tokens.js';

/** Constructor injection of every contribution of a point, e.g. `@injectAll(Tokens.Writer)`. */
export { multiInject as injectAll, inject } from 'inversify';

const METADATA = Symbol.for('exportkit.metadata');
const KIND = Symbol.for('exportkit.kind');

type Constructor = abstract new (...args: never[]) => object;

function contribution<M>(kind: ContributionKind) {
  return (metadata: M) =>
    <T extends Constructor>(target: T): T => {
      Reflect.defineMetadata(METADATA, Object.freeze({ ...metadata }), target);
      Reflect.defineMetadata(KIND, kind, target);
      return injectable()(target as never) ?? target;
    };
}

/** Declares a column: `@column({ provider, name, type, description, relations, sql })`. */
export const column = contribution<ColumnMetadata>('Column');
export const parameter = contribution<ParameterMetadata>('Parameter');
export const provider = contribution<ProviderMetadata>('Provider');
export const relation = contribution<RelationMetadata>('Relation');
export const writer = contribution<WriterMetadata>('Writer');
export const pipelineStep = contribution<PipelineStepMetadata>('PipelineStep');

/** The metadata a contribution decorator put on a class (or on an instance's class). */
export function metadataOf<M>(target: object): M {
  const ctor = typeof target === 'function' ? target : target.constructor;
  const metadata = Reflect.getMetadata(METADATA, ctor) as M | undefined;
  if (!metadata) throw new Error(`${ctor.name} has no contribution decorator (@column, @parameter, ...)`);
  return metadata;
}

export function contributionKindOf(target: Constructor): ContributionKind | undefined {
  return Reflect.getMetadata(KIND, target) as ContributionKind | undefined;
}

/** Base class giving `metadata` from the decorator, so contributions never repeat it. */
export abstract class Contribution<M> {
  get metadata(): M {
    return metadataOf<M>(this);
  }
}
