import { InvalidEngineOptionError } from '../engine/invalid-engine-option-error.js';

/** Retries of one delivery: attempts in all, the wait before the 2nd (doubled each time), one attempt's time limit. */
export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
  timeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 3, backoffMs: 1000, timeoutMs: 30_000 };

/** Settings of one named connection or key (`hr-sftp`): host, login, password, privateKey, hostKey… */
export type ConnectionSettings = Readonly<Record<string, string | undefined>>;

/** The kinds of named settings a delivery step may ask for. */
export const CONNECTION_KINDS = ['sftp', 'smtp', 'pgp'] as const;
export type ConnectionKind = (typeof CONNECTION_KINDS)[number];

/**
 * What the delivery steps need from the engine, never from a template: the named connections and
 * keys with their secrets, the SMTP server, the public address of the data directory, the retry
 * policy. Environment variables complete it (SecretResolver).
 */
export interface DeliveryOptions {
  /** `{ sftp: { 'hr-sftp': { host, port, login, password, privateKey, hostKey } }, pgp: { … }, smtp: { default: { url, from } } }`. */
  connections?: Partial<Record<ConnectionKind, Readonly<Record<string, ConnectionSettings>>>>;
  /** Base URL under which the data directory is served (`includeDownloadLink`). */
  publicBaseUrl?: string;
  retry?: Partial<RetryPolicy>;
  /**
   * A delivery settings file (YAML or JSON of this same shape, relative to the engine's cwd) that
   * completes these options; default: EXPORTKIT_DELIVERY_FILE. These options win over it.
   */
  file?: string;
  /** Where the environment variables are read (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
}

/** The retry policy: engine options, else EXPORTKIT_DELIVERY_ATTEMPTS / _BACKOFF_MS / _TIMEOUT_MS, else the defaults. */
export function retryPolicyOf(options: DeliveryOptions = {}): RetryPolicy {
  const env = options.env ?? process.env;
  const pick = (key: keyof RetryPolicy, variable: string, min: number): number => {
    const given = options.retry?.[key] ?? (env[variable] !== undefined ? Number(env[variable]) : undefined);
    if (given === undefined) return DEFAULT_RETRY_POLICY[key];
    if (!Number.isInteger(given) || given < min)
      throw new InvalidEngineOptionError(
        `delivery retry ${key} (${variable}): ${String(given)} is not a whole number of at least ${min}`,
      );
    return given;
  };
  return {
    attempts: pick('attempts', 'EXPORTKIT_DELIVERY_ATTEMPTS', 1),
    backoffMs: pick('backoffMs', 'EXPORTKIT_DELIVERY_BACKOFF_MS', 0),
    timeoutMs: pick('timeoutMs', 'EXPORTKIT_DELIVERY_TIMEOUT_MS', 1),
  };
}
