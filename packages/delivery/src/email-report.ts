import { stat } from 'node:fs/promises';
import { basename, relative, sep } from 'node:path';
import {
  Contribution,
  deliveryStep,
  ExportkitError,
  type ConnectionSettings,
  type DeliveryContext,
  type DeliveryStep,
  type PipelineStepMetadata,
} from '@exportkit/core';

interface EmailReportOptions {
  targetEmail: string[];
  includeDownloadLink: boolean;
  connection: string;
}

/** A refusal that retrying cannot change: wrong credentials, a recipient refused (5xx SMTP replies). */
class MailRefusedError extends ExportkitError {}

/**
 * `emailReport` (consolidator 3, sent once the files are final): an e-mail with the run's
 * summary to `targetEmail`, with the files attached, or with links to them
 * (`includeDownloadLink`: `<publicBaseUrl>/<path in the data directory>`, which needs the
 * engine's `publicBaseUrl`).
 *
 * The SMTP server is the engine's, never the template's: the connection `connection` (default
 * `default`) in the engine options (`delivery.connections.smtp.default.url`, `from`) or the
 * environment (`EXPORTKIT_SMTP_<NAME>_URL`, `_FROM`; for `default` also `EXPORTKIT_SMTP_URL`,
 * `EXPORTKIT_SMTP_FROM`). The URL holds the credentials (`smtp://user:password@host:587`,
 * `smtps://…`). With no SMTP server set, the report is skipped with a warning.
 */
@deliveryStep({
  name: 'emailReport',
  phase: 'consolidator',
  order: 3,
  description:
    "E-mails the run's summary with the files attached, or with download links, through the engine's SMTP server.",
  options: {
    targetEmail: {
      type: { kind: 'list', item: { kind: 'string', nonEmpty: true } },
      description: 'Recipients (comma-separated or a list).',
      required: true,
    },
    includeDownloadLink: {
      type: { kind: 'yesno' },
      description: "Links to the files (under the engine's publicBaseUrl) instead of attachments.",
      default: false,
    },
    connection: {
      type: { kind: 'string', nonEmpty: true },
      description: 'Name of the SMTP server in the engine options / EXPORTKIT_SMTP_<NAME>_URL.',
      default: 'default',
    },
  },
})
export class EmailReport extends Contribution<PipelineStepMetadata> implements DeliveryStep<EmailReportOptions> {
  check(options: Readonly<Record<string, unknown>>): string[] {
    return ((options['targetEmail'] as string[] | undefined) ?? [])
      .filter((address) => !/^[^\s@<>,;]+@[^\s@<>,;]+\.[^\s@<>,;]+$/.test(address))
      .map((address) => `emailReport.targetEmail: "${address}" is not an e-mail address`);
  }

  target(options: EmailReportOptions): string {
    return `mail to ${options.targetEmail.join(', ')}`;
  }

  async run(context: DeliveryContext, options: EmailReportOptions): Promise<void> {
    const smtp = smtpSettings(context, options.connection);
    if (!smtp?.['url']) {
      context.warn(
        `emailReport: no SMTP server is set (connection "${options.connection}": engine options delivery.connections.smtp, or EXPORTKIT_SMTP_URL); the report is not sent`,
      );
      return;
    }
    if (options.includeDownloadLink && !context.publicBaseUrl)
      throw new ExportkitError(
        'emailReport.includeDownloadLink: the engine has no publicBaseUrl (engine options delivery.publicBaseUrl or EXPORTKIT_PUBLIC_BASE_URL), so there is nothing to link to',
      );
    const files = await Promise.all(
      context.files.map(async (path) => ({ path, name: basename(path), bytes: (await stat(path)).size })),
    );
    const links = options.includeDownloadLink
      ? files.map((f) => `${context.publicBaseUrl!.replace(/\/+$/, '')}/${relativeUrl(context.paths.root, f.path)}`)
      : [];
    const text = [
      `Export ${context.exportName}${context.exportGuid ? ` (${context.exportGuid})` : ''} succeeded.`,
      '',
      `run: ${context.runId}`,
      `reference instant: ${context.now.toISOString()}`,
      `rows: ${context.rows}`,
      `files:`,
      ...files.map((f, i) => `  ${f.name} (${f.bytes} bytes)${links[i] ? ` ${links[i]}` : ''}`),
      '',
    ].join('\n');
    // Loaded when a run sends mail, not at every start-up (~0.07 s).
    const { createTransport } = await import('nodemailer');
    const transport = createTransport({
      url: smtp['url'],
      connectionTimeout: context.retry.timeoutMs,
      greetingTimeout: context.retry.timeoutMs,
      socketTimeout: context.retry.timeoutMs,
    });
    const target = this.target(options);
    try {
      await context.attempt(
        target,
        async () => {
          await transport
            .sendMail({
              from: smtp['from'] ?? 'exportkit@localhost',
              to: options.targetEmail,
              subject: `exportkit: ${context.exportName} — ${context.rows} rows`,
              text,
              headers: { 'X-Exportkit-Run': String(context.runId) },
              messageId: `<exportkit-run-${context.runId}@exportkit>`,
              attachments: options.includeDownloadLink ? [] : files.map((f) => ({ filename: f.name, path: f.path })),
            })
            .catch((error: Error & { responseCode?: number }) => {
              if (error.responseCode !== undefined && error.responseCode >= 500)
                throw new MailRefusedError(error.message);
              throw error;
            });
        },
        (error) => error instanceof MailRefusedError,
      );
    } finally {
      transport.close();
    }
    context.log(`emailReport: sent to ${options.targetEmail.join(', ')}`);
  }
}

/** The SMTP connection's settings, or undefined when none is set anywhere. */
function smtpSettings(context: DeliveryContext, name: string): ConnectionSettings | undefined {
  try {
    return context.secrets.connection('smtp', name, 'emailReport.connection');
  } catch (error) {
    if (name !== 'default') throw error;
    const url = context.secrets.secretVariable('EXPORTKIT_SMTP_URL');
    return url ? { url, from: context.secrets.variable('EXPORTKIT_SMTP_FROM') } : undefined;
  }
}

/** The file's path in the data directory, as URL path segments. */
function relativeUrl(root: string, path: string): string {
  return relative(root, path).split(sep).map(encodeURIComponent).join('/');
}
