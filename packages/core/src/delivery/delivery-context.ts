import type { DataPaths } from '../pipeline/data-paths.js';
import type { PipelineStep } from '../contributions/pipeline-step.js';
import type { RetryPolicy } from './delivery-settings.js';
import type { SecretResolver } from './secret-resolver.js';

/**
 * What a delivery step (emailReport, callBackUrl, pgpEncryption, remoteResourceUploader) sees: a
 * run whose files are final. It runs after the run's files were committed, or later again for
 * `--retry-delivery`; it changes no file of the data directory except writing encrypted copies
 * (pgpEncryption) and removing sources when asked (removeSources).
 */
export interface DeliveryContext {
  readonly runId: number;
  readonly exportGuid?: string;
  readonly exportName: string;
  readonly provider: string;
  readonly now: Date;
  readonly rows: number;
  /**
   * The run's final files (absolute paths): packages, moved files, end files. A step that turns
   * them into others (pgpEncryption) replaces the list: later steps deliver those, and
   * `export_runs.files` records them (what a retry delivers).
   */
  files: readonly string[];
  readonly paths: DataPaths;
  /** Named connections and keys; its `redact` takes every secret out of a text. */
  readonly secrets: SecretResolver;
  readonly retry: RetryPolicy;
  /** Base URL under which the data directory is served, when the engine has one. */
  readonly publicBaseUrl?: string;
  readonly signal?: AbortSignal;
  log(message: string): void;
  warn(message: string): void;
  /**
   * Runs `work` with the retry policy (one time limit per attempt, backoff between attempts), one
   * log line per failed attempt naming `what`; permanent errors are not retried.
   */
  attempt<T>(
    what: string,
    work: (signal: AbortSignal, attemptNumber: number) => Promise<T>,
    permanent?: (error: unknown) => boolean,
  ): Promise<T>;
}

/** A step that delivers the run's final files to a peer; `target` names where, without secrets. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface DeliveryStep<Options = any> extends PipelineStep<DeliveryContext, Options> {
  target(options: Options): string;
}

export function isDeliveryStep(step: PipelineStep): step is DeliveryStep {
  return step.metadata.delivers === true;
}
