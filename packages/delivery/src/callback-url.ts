import { readdir } from 'node:fs/promises';
import {
  BOUNDS,
  Contribution,
  deliveryStep,
  pathProblems,
  ExportkitError,
  type DeliveryContext,
  type DeliveryStep,
  type PipelineStepMetadata,
} from '@exportkit/core';

const METHODS = ['GET', 'POST'] as const;

interface CallBackUrlOptions {
  url: string;
  method: (typeof METHODS)[number];
  joinFileList?: { folderPath?: string; fieldName?: string };
  fields?: string[];
}

/** A reply that retrying cannot change (4xx), unlike a 5xx or a lost connection. */
class PermanentReplyError extends ExportkitError {}

/**
 * `callBackUrl` (post-process, delivery): one HTTP request once the run's files are final.
 *
 * - `url`: http or https, fixed in the template (never built from row data), without user or
 *   password in it (a secret does not belong in a template).
 * - `method`: GET (the fields in the query string) or POST (form-encoded body).
 * - The request always carries `runId`, `export`, `status=succeeded`, `rows` and `files` (the
 *   final files' names), and the header `Idempotency-Key: exportkit-run-<run id>`: a receiver
 *   that sees the same key twice (a retry after a lost reply) knows it is the same run.
 * - `fields`: extra `name=value` pairs; `joinFileList` (`folderPath`, `fieldName`): the names of
 *   the files in that folder of the data directory, comma-separated, as one more field.
 *
 * A 2xx reply succeeds; a 5xx, a refused or lost connection, a timeout are tried again
 * (the engine's retry policy); any other reply fails at once.
 */
@deliveryStep({
  name: 'callBackUrl',
  phase: 'postProcess',
  order: 2,
  description:
    'Calls an HTTP(S) URL once the files are final (GET or POST, with the run id, the files and extra fields).',
  options: {
    url: { type: { kind: 'string', nonEmpty: true }, description: 'http(s) URL to call.', required: true },
    method: {
      type: { kind: 'enum', values: METHODS, synonyms: { get: 'GET', post: 'POST' } },
      description: 'GET (fields in the query string) or POST (form-encoded body).',
      default: 'POST',
    },
    joinFileList: {
      type: { kind: 'map', keys: ['folderPath', 'fieldName'] },
      description:
        'folderPath (relative to the data directory) whose file names are sent, comma-separated, as fieldName.',
    },
    fields: {
      type: { kind: 'list', item: { kind: 'string', nonEmpty: true, maxLength: BOUNDS.text } },
      description: 'Extra fields, each name=value.',
    },
  },
})
export class CallBackUrl extends Contribution<PipelineStepMetadata> implements DeliveryStep<CallBackUrlOptions> {
  check(options: Readonly<Record<string, unknown>>): string[] {
    const problems: string[] = [];
    const url = parsedUrl(String(options['url']));
    if (!url) problems.push(`callBackUrl.url: "${String(options['url'])}" is not a URL`);
    else if (url.protocol !== 'http:' && url.protocol !== 'https:')
      problems.push(`callBackUrl.url: the scheme ${url.protocol} is not allowed; allowed: http, https`);
    else if (url.username || url.password)
      problems.push('callBackUrl.url: holds a user or password; secrets do not belong in a template');
    for (const field of (options['fields'] as string[] | undefined) ?? []) {
      if (!/^[^=]+=/.test(field)) problems.push(`callBackUrl.fields: "${field}" is not name=value`);
    }
    const join = options['joinFileList'] as CallBackUrlOptions['joinFileList'];
    if (join && (!join.folderPath || !join.fieldName))
      problems.push('callBackUrl.joinFileList: needs both folderPath and fieldName');
    if (join) problems.push(...pathProblems(join, 'callBackUrl.joinFileList', ['folderPath']));
    return problems;
  }

  target(options: CallBackUrlOptions): string {
    const url = new URL(options.url);
    return `${options.method} ${url.origin}${url.pathname}`;
  }

  async run(context: DeliveryContext, options: CallBackUrlOptions): Promise<void> {
    const fields = new URLSearchParams({
      runId: String(context.runId),
      export: context.exportName,
      status: 'succeeded',
      rows: String(context.rows),
      files: context.files.map((f) => f.split('/').pop()!).join(','),
    });
    for (const field of options.fields ?? []) {
      const at = field.indexOf('=');
      fields.append(field.slice(0, at), field.slice(at + 1));
    }
    const join = options.joinFileList;
    if (join?.folderPath && join.fieldName) {
      const folder = context.paths.resolve(join.folderPath, 'callBackUrl.joinFileList.folderPath');
      const names = (await readdir(folder, { withFileTypes: true }))
        .filter((e) => e.isFile() && !e.name.startsWith('.'))
        .map((e) => e.name)
        .sort();
      fields.append(join.fieldName, names.join(','));
    }
    const url = new URL(options.url);
    if (options.method === 'GET') for (const [name, value] of fields) url.searchParams.append(name, value);
    const target = this.target(options);
    await context.attempt(
      target,
      async (signal) => {
        const reply = await fetch(url, {
          method: options.method,
          signal,
          redirect: 'manual',
          headers: { 'Idempotency-Key': `exportkit-run-${context.runId}` },
          ...(options.method === 'POST' ? { body: fields } : {}),
        });
        await reply.body?.cancel();
        if (reply.status >= 200 && reply.status < 300) return;
        const message = `the server replied ${reply.status} ${reply.statusText}`.trim();
        throw reply.status >= 500 ? new Error(message) : new PermanentReplyError(message);
      },
      (error) => error instanceof PermanentReplyError,
    );
    context.log(`callBackUrl: ${target} answered`);
  }
}

function parsedUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
