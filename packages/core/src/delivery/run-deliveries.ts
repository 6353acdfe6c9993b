import type { Knex } from 'knex';
import { basename } from 'node:path';
import { ExportkitError } from '../errors/exportkit-error.js';
import { EXPORT_DELIVERIES, EXPORT_RUNS } from '../engine/engine-state.js';
import type { PlannedStep } from '../validation/export-plan.js';
import { isDeliveryStep, type DeliveryContext, type DeliveryStep } from './delivery-context.js';
import { retryPolicyOf, type DeliveryOptions } from './delivery-settings.js';
import { SecretResolver } from './secret-resolver.js';
import { withRetries } from './with-retries.js';

/** A delivery failed: the run's files are kept, the message says which delivery and how to retry. */
export class DeliveryError extends ExportkitError {}

/** What the deliveries of a run are given; the rest of DeliveryContext is made here. */
export type DeliveryRunBase = Omit<DeliveryContext, 'secrets' | 'retry' | 'publicBaseUrl' | 'attempt'>;

export interface DeliveryOutcome {
  step: string;
  target: string;
  status: 'succeeded' | 'failed' | 'skipped';
  attempts: number;
  error?: string;
}

/** The delivery steps of a plan, in the order they run: the consolidators' (canonical order), then the post-process ones (as written). */
export function deliveryStepsOf(plan: {
  consolidators: readonly PlannedStep[];
  postProcess: readonly PlannedStep[];
}): PlannedStep[] {
  return [...plan.consolidators, ...plan.postProcess].filter((p) => isDeliveryStep(p.step));
}

/**
 * Runs the delivery steps of a run whose files are final, one after the other, each with the
 * retry policy, and records each in `exportkit.export_deliveries`. A delivery that already
 * succeeded for this run (same step and target: an earlier try) is skipped, so a retry never
 * sends twice what got through. The first failure stops the deliveries and throws a
 * DeliveryError; nothing in a message, log line or row holds a secret the resolver handed out.
 */
export async function runDeliveries(
  knex: Knex,
  steps: readonly PlannedStep[],
  base: DeliveryRunBase,
  options: DeliveryOptions = {},
): Promise<{ outcomes: DeliveryOutcome[]; files: readonly string[] }> {
  const secrets = new SecretResolver(options);
  const retry = retryPolicyOf(options);
  const outcomes: DeliveryOutcome[] = [];
  const done = new Set(
    (
      (await knex(EXPORT_DELIVERIES)
        .where({ run_id: base.runId, status: 'succeeded' })
        .select('step', 'target')) as Array<{
        step: string;
        target: string;
      }>
    ).map((r) => `${r.step}\n${r.target}`),
  );
  let files = base.files;
  for (const planned of steps) {
    const step = planned.step as DeliveryStep;
    const name = step.metadata.name;
    const target = step.target(planned.options);
    if (done.has(`${name}\n${target}`)) {
      base.log(`${name}: ${target} was delivered by an earlier try; not sent again`);
      outcomes.push({ step: name, target, status: 'skipped', attempts: 0 });
      continue;
    }
    const [row] = (await knex(EXPORT_DELIVERIES)
      .insert({ run_id: base.runId, step: name, target, status: 'running' })
      .returning('id')) as Array<{ id: number | string }>;
    const id = Number(row!.id);
    let attempts = 0;
    const context: DeliveryContext = {
      ...base,
      files,
      log: (message) => base.log(secrets.redact(message)),
      warn: (message) => base.warn(secrets.redact(message)),
      secrets,
      retry,
      publicBaseUrl: options.publicBaseUrl ?? secrets.variable('EXPORTKIT_PUBLIC_BASE_URL'),
      attempt: async (what, work, permanent) => {
        const { value } = await withRetries(
          retry,
          (signal, n) => {
            attempts = Math.max(attempts, n);
            return work(signal, n);
          },
          {
            signal: base.signal,
            permanent,
            onFailure: (error, n, willRetry) =>
              base.warn(
                secrets.redact(
                  `${name}: ${what}: attempt ${n} of ${retry.attempts} failed: ${error.message}` +
                    (willRetry ? `; trying again in ${retry.backoffMs * 2 ** (n - 1)} ms` : ''),
                ),
              ),
          },
        );
        return value;
      },
    };
    try {
      await step.run(context, planned.options);
      if (context.files !== files) {
        files = context.files;
        await knex(EXPORT_RUNS)
          .where({ id: base.runId })
          .update({ files: JSON.stringify(files) });
      }
      await knex(EXPORT_DELIVERIES)
        .where({ id })
        .update({ status: 'succeeded', attempts, finished_at: knex.raw('now()') });
      outcomes.push({ step: name, target, status: 'succeeded', attempts });
    } catch (error) {
      const message = secrets.redact((error as Error).message);
      await knex(EXPORT_DELIVERIES)
        .where({ id })
        .update({ status: 'failed', attempts, error: message, finished_at: knex.raw('now()') });
      outcomes.push({ step: name, target, status: 'failed', attempts, error: message });
      const kept = files.map((f) => basename(f)).join(', ');
      throw new DeliveryError(
        `${base.exportName}: ${name} to ${target} failed` +
          (attempts > 0 ? ` after ${attempts} attempt(s)` : '') +
          `: ${message}. The run's files are kept (${kept || 'none'}); ` +
          `deliver them again with \`exportkit run --retry-delivery ${base.runId} <template>\``,
      );
    }
  }
  return { outcomes, files };
}

/** A run whose files are final but a delivery failed: `failed` in export_runs with the message, its files still listed. */
export async function recordDeliveryFailure(knex: Knex, runId: number, message: string): Promise<void> {
  await knex(EXPORT_RUNS).where({ id: runId }).update({ status: 'failed', error: message });
}

/** Every delivery of a run got through (a retry): the run stands as succeeded. */
export async function recordDelivered(knex: Knex, runId: number): Promise<void> {
  await knex(EXPORT_RUNS).where({ id: runId }).update({ status: 'succeeded', error: null });
}
