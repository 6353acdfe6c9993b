import 'reflect-metadata';
import { injectable } from 'inversify';
import type { Column, ColumnMetadata } from '../contributions/column.js';
import type { Parameter, ParameterMetadata } from '../contributions/parameter.js';
import type { Provider, ProviderMetadata } from '../contributions/provider.js';
import type { Relation, RelationMetadata } from '../contributions/relation.js';
import type { Writer, WriterMetadata } from '../contributions/writer.js';
import type { PipelineStepMetadata, StepPhase } from '../contributions/pipeline-step.js';
import type { StepOfPhase } from '../pipeline/run-context.js';
import type { DeliveryStep } from '../delivery/delivery-context.js';
import type { ContributionKind } from './tokens.js';

/** Constructor injection of every contribution of a point (`@injectAll(Tokens.Column)`); lookups by name go through the Registry. */
export { multiInject as injectAll, inject } from 'inversify';

const METADATA = Symbol.for('exportkit.metadata');
const KIND = Symbol.for('exportkit.kind');

type Constructor = abstract new (...args: never[]) => object;
/** A class whose instances implement `I`: the decorators refuse, at compile time, a class lacking the contract's methods. */
type Implementing<I> = abstract new (...args: never[]) => I;

function contribution<M, I>(kind: ContributionKind) {
  return (metadata: M) =>
    <T extends Implementing<I>>(target: T): T => {
      Reflect.defineMetadata(METADATA, Object.freeze({ ...metadata }), target);
      Reflect.defineMetadata(KIND, kind, target);
      return injectable()(target as never) ?? target;
    };
}

/** Declares a column: `@column({ provider, name, type, description, relations, sql })`. */
export const column = contribution<ColumnMetadata, Column>('Column');
/** Declares a parameter of a provider (a filter extends FilterParameter). */
export const parameter = contribution<ParameterMetadata, Parameter>('Parameter');
export const provider = contribution<ProviderMetadata, Provider>('Provider');
/** Declares a relation (a named join) of a provider. */
export const relation = contribution<RelationMetadata, Relation>('Relation');
/** Declares a file format: the class must implement Writer (`open`). */
export const writer = contribution<WriterMetadata, Writer>('Writer');

/**
 * Declares a pipeline step; the class must implement the step type of its phase
 * (ActionStep for `action`, with `open`; PostProcessStep for `postProcess`…).
 */
export function pipelineStep<P extends StepPhase>(
  metadata: PipelineStepMetadata & { phase: P },
): <T extends Implementing<StepOfPhase[P]>>(target: T) => T {
  return contribution<PipelineStepMetadata, StepOfPhase[P]>('PipelineStep')(metadata);
}

/**
 * Declares a delivery step (delivery/delivery-context.ts): a consolidator or post-process step
 * whose class implements DeliveryStep; it runs once the run's files are final.
 */
export function deliveryStep(
  metadata: PipelineStepMetadata & { phase: 'consolidator' | 'postProcess' },
): <T extends Implementing<DeliveryStep>>(target: T) => T {
  return contribution<PipelineStepMetadata, DeliveryStep>('PipelineStep')({ ...metadata, delivers: true });
}

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
