/**
 * Contribution points (after Theia's contribution-provider): a Symbol per point, with the
 * interface of the same name in contributions/. Plugins bind classes to these; the registry
 * collects them all with multi-injection.
 */
export const Column = Symbol.for('exportkit.Column');
export const Parameter = Symbol.for('exportkit.Parameter');
export const Provider = Symbol.for('exportkit.Provider');
export const Relation = Symbol.for('exportkit.Relation');
export const Writer = Symbol.for('exportkit.Writer');
export const PipelineStep = Symbol.for('exportkit.PipelineStep');

export const ContributionTokens = { Column, Parameter, Provider, Relation, Writer, PipelineStep } as const;
export type ContributionKind = keyof typeof ContributionTokens;
