import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { InvalidEngineOptionError } from '../engine/invalid-engine-option-error.js';
import type { Logger } from '../engine/logger.js';
import {
  CONNECTION_KINDS,
  type ConnectionSettings,
  type DeliveryOptions,
  type RetryPolicy,
} from './delivery-settings.js';

/** The variable naming the delivery settings file when the engine options name none. */
export const DELIVERY_FILE_VARIABLE = 'EXPORTKIT_DELIVERY_FILE';

const RETRY_KEYS: readonly (keyof RetryPolicy)[] = ['attempts', 'backoffMs', 'timeoutMs'];

/**
 * The `delivery` engine option completed by the delivery settings file: the same shape
 * (`connections`, `publicBaseUrl`, `retry`) as YAML or JSON in a file the operator protects,
 * named by `delivery.file` or EXPORTKIT_DELIVERY_FILE — what a command line, a worker or a
 * service reads its connections and secrets from, never a template. The engine options win
 * over the file, setting by setting; environment variables come last (SecretResolver).
 */
export function withDeliveryFile(options: DeliveryOptions = {}, cwd: string, logger: Logger): DeliveryOptions {
  const named = options.file ?? (options.env ?? process.env)[DELIVERY_FILE_VARIABLE];
  if (!named) return options;
  const path = resolve(cwd, named);
  const fromFile = readDeliveryFile(path);
  // Like ssh with a private key: secrets readable by others are worth a word, not a refusal.
  if (statSync(path).mode & 0o077)
    logger.warn({ file: path }, `delivery settings ${path} can be read by other users than its owner (chmod 600)`);
  const connections: Record<string, Record<string, ConnectionSettings>> = {};
  for (const kind of CONNECTION_KINDS) {
    const ids = new Set([
      ...Object.keys(fromFile.connections?.[kind] ?? {}),
      ...Object.keys(options.connections?.[kind] ?? {}),
    ]);
    for (const id of ids) {
      (connections[kind] ??= {})[id] = {
        ...fromFile.connections?.[kind]?.[id],
        ...options.connections?.[kind]?.[id],
      };
    }
  }
  return {
    ...options,
    connections,
    publicBaseUrl: options.publicBaseUrl ?? fromFile.publicBaseUrl,
    retry: { ...fromFile.retry, ...options.retry },
  };
}

/** Reads and checks a delivery settings file; a problem names the file, the line and what is allowed. */
export function readDeliveryFile(path: string): DeliveryOptions {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InvalidEngineOptionError(`delivery settings ${path}: ${(error as Error).message}`);
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const at = (node: Node | Document['contents'] | null | undefined) =>
    node?.range ? `${path}:${lineCounter.linePos(node.range[0]).line}` : path;
  const problem = (node: Node | Document['contents'] | null | undefined, message: string) =>
    new InvalidEngineOptionError(`delivery settings ${at(node)}: ${message}`);

  const [syntaxError] = document.errors;
  if (syntaxError) {
    // prettyErrors off: the message quotes no source line, which could hold a secret.
    const { line } = lineCounter.linePos(syntaxError.pos[0]);
    throw new InvalidEngineOptionError(`delivery settings ${path}:${line}: not YAML or JSON: ${syntaxError.message}`);
  }
  const root = document.contents;
  if (root === null) return {};
  if (!isMap(root)) throw problem(root, 'expected a mapping with connections, publicBaseUrl, retry');

  const options: {
    connections?: DeliveryOptions['connections'];
    publicBaseUrl?: string;
    retry?: Partial<RetryPolicy>;
  } = {};
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const value = pair.value as Node | null;
    if (key === 'connections') options.connections = connectionsOf(value, problem);
    else if (key === 'publicBaseUrl') options.publicBaseUrl = scalarText(value, 'publicBaseUrl', problem);
    else if (key === 'retry') options.retry = retryOf(value, problem);
    else throw problem(pair.key as Node, `unknown key "${key}"; allowed: connections, publicBaseUrl, retry`);
  }
  return options;
}

type Problem = (node: Node | null | undefined, message: string) => InvalidEngineOptionError;

function connectionsOf(node: Node | null, problem: Problem): DeliveryOptions['connections'] {
  if (!isMap(node)) throw problem(node, `connections: expected a mapping of ${CONNECTION_KINDS.join(', ')}`);
  const connections: Record<string, Record<string, ConnectionSettings>> = {};
  for (const kindPair of node.items) {
    const kind = isScalar(kindPair.key) ? String(kindPair.key.value) : '';
    if (!(CONNECTION_KINDS as readonly string[]).includes(kind))
      throw problem(
        kindPair.key as Node,
        `connections: unknown kind "${kind}"; allowed: ${CONNECTION_KINDS.join(', ')}`,
      );
    const ids = kindPair.value as Node | null;
    if (!isMap(ids)) throw problem(ids, `connections.${kind}: expected a mapping of connection ids`);
    for (const idPair of ids.items) {
      const id = isScalar(idPair.key) ? String(idPair.key.value) : '';
      const settingsNode = idPair.value as Node | null;
      if (!isMap(settingsNode))
        throw problem(settingsNode, `connections.${kind}.${id}: expected a mapping of settings`);
      const settings: Record<string, string> = {};
      for (const settingPair of settingsNode.items) {
        const name = isScalar(settingPair.key) ? String(settingPair.key.value) : '';
        settings[name] = scalarText(settingPair.value as Node | null, `connections.${kind}.${id}.${name}`, problem);
      }
      (connections[kind] ??= {})[id] = settings;
    }
  }
  return connections;
}

function retryOf(node: Node | null, problem: Problem): Partial<RetryPolicy> {
  if (!isMap(node)) throw problem(node, `retry: expected a mapping of ${RETRY_KEYS.join(', ')}`);
  const retry: Partial<RetryPolicy> = {};
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!(RETRY_KEYS as readonly string[]).includes(key))
      throw problem(pair.key as Node, `retry: unknown key "${key}"; allowed: ${RETRY_KEYS.join(', ')}`);
    const value = pair.value as Node | null;
    if (!isScalar(value) || typeof value.value !== 'number')
      throw problem(value, `retry.${key}: expected a whole number`);
    retry[key as keyof RetryPolicy] = value.value;
  }
  return retry;
}

/** A setting's text: strings as they are, numbers and booleans as written; never a mapping or list. */
function scalarText(node: Node | null, where: string, problem: Problem): string {
  if (!isScalar(node) || node.value === null || typeof node.value === 'object')
    throw problem(node, `${where}: expected a text value`);
  return String(node.value);
}
