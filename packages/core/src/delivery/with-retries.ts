import { setTimeout as sleep } from 'node:timers/promises';
import type { RetryPolicy } from './delivery-settings.js';

/**
 * Runs `attempt` up to `policy.attempts` times, each bounded by `policy.timeoutMs` (its signal
 * aborts then, and the attempt fails with a timeout), waiting `backoffMs`, then twice that…
 * between attempts. `permanent` errors (refused credentials, unknown host key, a 4xx reply) are
 * not retried. Each failed attempt is reported through `onFailure` with its number.
 */
export async function withRetries<T>(
  policy: RetryPolicy,
  attempt: (signal: AbortSignal, attemptNumber: number) => Promise<T>,
  hooks: {
    signal?: AbortSignal;
    permanent?: (error: unknown) => boolean;
    onFailure?: (error: Error, attemptNumber: number, willRetry: boolean) => void;
  } = {},
): Promise<{ value: T; attempts: number }> {
  for (let n = 1; ; n++) {
    hooks.signal?.throwIfAborted();
    const timeout = AbortSignal.timeout(policy.timeoutMs);
    const signal = hooks.signal ? AbortSignal.any([hooks.signal, timeout]) : timeout;
    try {
      return { value: await bounded(attempt(signal, n), signal), attempts: n };
    } catch (caught) {
      const error = timeout.aborted ? new DeliveryTimeoutError(policy.timeoutMs, caught) : (caught as Error);
      const willRetry = n < policy.attempts && !hooks.signal?.aborted && !(hooks.permanent?.(error) ?? false);
      hooks.onFailure?.(error, n, willRetry);
      if (!willRetry) throw error;
      await sleep(policy.backoffMs * 2 ** (n - 1), undefined, hooks.signal ? { signal: hooks.signal } : {});
    }
  }
}

/** An attempt that took longer than the policy allows. */
export class DeliveryTimeoutError extends Error {
  constructor(timeoutMs: number, cause?: unknown) {
    super(`timed out after ${timeoutMs} ms`, { cause });
    this.name = 'DeliveryTimeoutError';
  }
}

/** The attempt's promise, or a rejection as soon as its signal aborts (a library that ignores signals). */
function bounded<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}
