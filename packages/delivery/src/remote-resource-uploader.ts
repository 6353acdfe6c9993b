import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { basename, posix } from 'node:path';
import type SftpClient from 'ssh2-sftp-client';
import {
  Contribution,
  deliveryStep,
  pathProblems,
  ExportkitError,
  type DeliveryContext,
  type DeliveryStep,
  type PipelineStepMetadata,
} from '@exportkit/core';
import { sourceFiles } from './source-files.js';
import { removeDelivered } from './remove-sources.js';

interface UploaderOptions {
  protocol: 'sFTP';
  connection: string;
  host?: string;
  port?: number;
  login?: string;
  sourceFilesPath?: string;
  destinationFolderPath: string;
  removeSources: boolean;
}

/** A refusal that retrying cannot change: wrong credentials, an unknown host key. */
class SftpRefusedError extends ExportkitError {}

/**
 * `remoteResourceUploader` (post-process, delivery): uploads files over SFTP.
 *
 * - `connection` names the server's settings in the engine options or the environment
 *   (`EXPORTKIT_SFTP_<ID>_HOST`, `_PORT`, `_LOGIN`, `_PASSWORD` or `_PRIVATE_KEY` /
 *   `_PRIVATE_KEY_PATH` with `_PASSPHRASE`, and `_HOST_KEY`: the server's key fingerprint as
 *   `ssh-keygen -lf` prints it, `SHA256:…`). The template may set host, port and login, never a
 *   secret. A server whose key does not match is refused: no key configured, no upload.
 * - `sourceFilesPath`: a glob relative to the data directory; default: the run's final files.
 * - `destinationFolderPath`: the remote folder (created when missing).
 * - Each file is written under a temporary name `.<name>.<run id>.part` and renamed once
 *   complete, so the receiver never picks up a partial file. A file already there with the same
 *   content (an earlier attempt of this run, or --retry-delivery) is not sent again; one with
 *   other content is never replaced: the upload is refused, naming it.
 * - `removeSources`: the local files are deleted once every upload succeeded.
 */
@deliveryStep({
  name: 'remoteResourceUploader',
  phase: 'postProcess',
  order: 4,
  description:
    'Uploads the files over SFTP to a server named by a connection of the engine options (host key verified).',
  options: {
    protocol: {
      type: { kind: 'enum', values: ['sFTP'], synonyms: { sftp: 'sFTP', SFTP: 'sFTP' } },
      description: 'Transfer protocol: sFTP.',
      default: 'sFTP',
    },
    connection: {
      type: { kind: 'string', nonEmpty: true },
      description:
        'Name of the SFTP connection in the engine options / EXPORTKIT_SFTP_<NAME>_* variables (holds the secrets).',
      required: true,
    },
    host: { type: { kind: 'string', nonEmpty: true }, description: "Server host; default: the connection's." },
    port: {
      type: { kind: 'int', min: 1, max: 65535 },
      description: "Server port; default: the connection's, else 22.",
    },
    login: { type: { kind: 'string', nonEmpty: true }, description: "User name; default: the connection's." },
    sourceFilesPath: {
      type: { kind: 'string', nonEmpty: true },
      description: "Glob of the files to upload, relative to the data directory; default: the run's final files.",
    },
    destinationFolderPath: {
      type: { kind: 'string', nonEmpty: true },
      description: 'Remote folder (created when missing).',
      default: '.',
    },
    removeSources: {
      type: { kind: 'yesno' },
      description: 'Delete the local files once uploaded.',
      default: false,
    },
  },
})
export class RemoteResourceUploader
  extends Contribution<PipelineStepMetadata>
  implements DeliveryStep<UploaderOptions>
{
  check(options: Readonly<Record<string, unknown>>): string[] {
    return pathProblems(options, 'remoteResourceUploader', ['sourceFilesPath']);
  }

  target(options: UploaderOptions): string {
    const at = options.host
      ? `${options.host}${options.port ? `:${options.port}` : ''}`
      : `connection ${options.connection}`;
    return `sftp ${at} ${options.destinationFolderPath}`;
  }

  async run(context: DeliveryContext, options: UploaderOptions): Promise<void> {
    const where = 'remoteResourceUploader.connection';
    const settings = context.secrets.connection('sftp', options.connection, where);
    const host = options.host ?? settings['host'];
    const port = options.port ?? (settings['port'] ? Number(settings['port']) : 22);
    const username = options.login ?? settings['login'];
    if (!host || !username) throw new ExportkitError(`${where}: "${options.connection}" needs a host and a login`);
    const hostKey = settings['hostKey'];
    if (!hostKey)
      throw new ExportkitError(
        `${where}: "${options.connection}" has no hostKey (the server key's SHA256:… fingerprint); an unverified server is refused`,
      );
    const privateKey =
      settings['privateKey'] ??
      (settings['privateKeyPath'] ? await readFile(settings['privateKeyPath'], 'utf8') : undefined);
    if (privateKey) context.secrets.remember(privateKey);
    if (!privateKey && !settings['password'])
      throw new ExportkitError(`${where}: "${options.connection}" has neither a password nor a private key`);

    const files = await sourceFiles(context, options.sourceFilesPath, 'remoteResourceUploader.sourceFilesPath');
    const folder = options.destinationFolderPath;
    const target = `sftp ${host}:${port} ${folder}`;
    // Loaded when a run uploads, not at every start-up (~0.05 s).
    const { default: Sftp } = await import('ssh2-sftp-client');
    for (const file of files) {
      const name = basename(file);
      const size = (await stat(file)).size;
      await context.attempt(
        `${name} → ${target}`,
        async (signal) => {
          let offered: string | undefined;
          // The library's default listeners print to the console; each failure is reported by the attempt instead.
          const sftp = new Sftp('exportkit', {
            error: () => undefined,
            end: () => undefined,
            close: () => undefined,
          });
          const onAbort = () => void sftp.end().catch(() => undefined);
          signal.addEventListener('abort', onAbort, { once: true });
          try {
            await sftp
              .connect({
                host,
                port,
                username,
                password: settings['password'],
                privateKey,
                passphrase: settings['passphrase'],
                readyTimeout: context.retry.timeoutMs,
                retries: 0,
                hostVerifier: (key: Buffer) => {
                  offered = fingerprint(key);
                  return offered === hostKey;
                },
              })
              .catch((error: Error) => {
                if (offered !== undefined && offered !== hostKey)
                  throw new SftpRefusedError(`the server's host key ${offered} is not the one configured; refused`);
                if (/authentication/i.test(error.message))
                  throw new SftpRefusedError(`login refused for ${username} (${error.message})`);
                throw error;
              });
            await sftp.mkdir(folder, true).catch(async (error: Error) => {
              if ((await sftp.exists(folder)) !== 'd') throw error;
            });
            const final = posix.join(folder, name);
            const there = await sftp.exists(final);
            // Size first, so that content is read back only for a likely earlier copy of this file.
            if (there === '-' && (await sftp.stat(final)).size === size && (await sameContent(sftp, final, file))) {
              context.log(
                `remoteResourceUploader: ${name} is already at ${target} (an earlier attempt); not sent again`,
              );
              return;
            }
            if (there) throw new SftpRefusedError(`${final} already exists on the server and is another file`);
            const partial = posix.join(folder, `.${name}.${context.runId}.part`);
            await sftp.fastPut(file, partial);
            await sftp.rename(partial, final);
          } finally {
            signal.removeEventListener('abort', onAbort);
            await sftp.end().catch(() => undefined);
          }
        },
        (error) => error instanceof SftpRefusedError,
      );
      context.log(`remoteResourceUploader: ${name} → ${target}`);
    }
    if (options.removeSources) {
      await removeDelivered(context, files, 'remoteResourceUploader');
      const removed = new Set(files);
      context.files = context.files.filter((f) => !removed.has(f));
    }
  }
}

/** The key's fingerprint as `ssh-keygen -lf` prints it: SHA256:<base64 without padding>. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** Whether the remote file holds the same bytes as the local one (SHA-256 of both, streamed). */
async function sameContent(sftp: SftpClient, remotePath: string, localPath: string): Promise<boolean> {
  const [remote, local] = await Promise.all([
    sha256(sftp.createReadStream(remotePath)),
    sha256(createReadStream(localPath)),
  ]);
  return remote === local;
}

/**
 * SHA-256 of a stream's bytes, resolved once the stream has closed: an SFTP read stream closes its
 * remote handle after its last chunk, and the connection must not end before that reply.
 */
async function sha256(stream: Readable): Promise<string> {
  const closed = once(stream, 'close');
  const hash = createHash('sha256');
  try {
    for await (const chunk of stream) hash.update(chunk as Buffer);
  } catch (error) {
    closed.catch(() => undefined);
    throw error;
  }
  await closed;
  return hash.digest('hex');
}
