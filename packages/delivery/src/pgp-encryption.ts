import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type * as OpenPgp from 'openpgp';
import {
  claimName,
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

interface PgpOptions {
  recipients: string[];
  signature?: string;
  inputFolderPath?: string;
  outputFolderPath?: string;
  removeSources: boolean;
}

/**
 * `pgpEncryption` (post-process, after the files are final): encrypts each file with OpenPGP to
 * every recipient (binary `<name>.gpg`), optionally signed.
 *
 * - `recipients`: names of public keys in the engine options (`delivery.connections.pgp.<name>
 *   .publicKey`, armored) or the environment (`EXPORTKIT_PGP_<NAME>_PUBLIC_KEY`, or
 *   `_PUBLIC_KEY_PATH` for a file).
 * - `signature`: name of a private key the same way (`privateKey` / `privateKeyPath`, with its
 *   `passphrase`): the files are signed too. The key and passphrase never appear in a template.
 * - `inputFolderPath`: the files of a folder of the data directory (default: the run's final
 *   files); `outputFolderPath`: where the `.gpg` files go (default: beside each file).
 * - Each `.gpg` is written under a temporary name and published under a name nobody holds
 *   (`-2`…); with `removeSources` (default yes) the clear files are deleted once all are
 *   encrypted. The encrypted files are the run's files from then on: a later
 *   remoteResourceUploader sends them.
 */
@deliveryStep({
  name: 'pgpEncryption',
  phase: 'postProcess',
  order: 3,
  description: 'Encrypts the files with OpenPGP to the recipients named in the engine options, optionally signed.',
  options: {
    recipients: {
      type: { kind: 'list', item: { kind: 'string', nonEmpty: true } },
      description: 'Names of the recipients’ public keys (engine options / EXPORTKIT_PGP_<NAME>_PUBLIC_KEY).',
      required: true,
    },
    signature: {
      type: { kind: 'string', nonEmpty: true },
      description:
        'Name of the private key that signs (engine options / EXPORTKIT_PGP_<NAME>_PRIVATE_KEY); default: unsigned.',
    },
    inputFolderPath: {
      type: { kind: 'string', nonEmpty: true },
      description: "Folder whose files are encrypted, relative to the data directory; default: the run's final files.",
    },
    outputFolderPath: {
      type: { kind: 'string', nonEmpty: true },
      description: 'Folder for the .gpg files, relative to the data directory; default: beside each file.',
    },
    removeSources: { type: { kind: 'yesno' }, description: 'Delete the clear files once encrypted.', default: true },
  },
})
export class PgpEncryption extends Contribution<PipelineStepMetadata> implements DeliveryStep<PgpOptions> {
  check(options: Readonly<Record<string, unknown>>): string[] {
    return [
      ...(((options['recipients'] as string[] | undefined) ?? []).length === 0
        ? ['pgpEncryption.recipients: names no key']
        : []),
      ...pathProblems(options, 'pgpEncryption', ['inputFolderPath', 'outputFolderPath']),
    ];
  }

  target(options: PgpOptions): string {
    return `recipients ${options.recipients.join(', ')}${options.signature ? `, signed by ${options.signature}` : ''}`;
  }

  async run(context: DeliveryContext, options: PgpOptions): Promise<void> {
    // Loaded when a run encrypts, not at every start-up (~0.08 s).
    const openpgp = await import('openpgp');
    const encryptionKeys = await Promise.all(
      options.recipients.map(async (name) => {
        const armored = await keyText(context, name, 'publicKey', 'pgpEncryption.recipients');
        return openpgp.readKey({ armoredKey: armored }).catch((error: Error) => {
          throw new ExportkitError(`pgpEncryption.recipients: the key "${name}" cannot be read: ${error.message}`);
        });
      }),
    );
    const signingKeys = options.signature ? [await this.signingKey(openpgp, context, options.signature)] : [];
    const inputs = options.inputFolderPath
      ? await sourceFiles(context, `${options.inputFolderPath}/**`, 'pgpEncryption.inputFolderPath')
      : [...context.files];
    const output = options.outputFolderPath
      ? context.paths.resolve(options.outputFolderPath, 'pgpEncryption.outputFolderPath')
      : undefined;
    const written: string[] = [];
    try {
      for (const input of inputs) {
        const folder = output ?? dirname(input);
        await mkdir(folder, { recursive: true });
        context.paths.guard(folder, 'pgpEncryption.outputFolderPath');
        const temporary = join(folder, `.${basename(input)}.${context.runId}.gpg.tmp`);
        const message = await openpgp.createMessage({
          binary: Readable.toWeb(createReadStream(input)) as ReadableStream<Uint8Array>,
        });
        const encrypted = await openpgp.encrypt({
          message,
          encryptionKeys,
          signingKeys,
          format: 'binary',
        });
        await pipeline(
          Readable.fromWeb(encrypted as import('node:stream/web').ReadableStream<Uint8Array>),
          createWriteStream(temporary),
        ).catch(async (error: unknown) => {
          await rm(temporary, { force: true });
          throw error;
        });
        const name = basename(input);
        const final = await claimName(temporary, (n) => join(folder, n === 1 ? `${name}.gpg` : `${name}-${n}.gpg`));
        written.push(final);
        context.log(`pgpEncryption: ${name} → ${final}`);
      }
    } catch (error) {
      // Nothing half done: the clear files stay, the encrypted ones of this try go.
      for (const file of written) await rm(file, { force: true });
      throw error;
    }
    if (options.removeSources) await removeDelivered(context, inputs, 'pgpEncryption');
    const encryptedInputs = new Set(options.removeSources ? inputs : []);
    context.files = [...context.files.filter((f) => !encryptedInputs.has(f)), ...written];
  }

  private async signingKey(
    openpgp: typeof OpenPgp,
    context: DeliveryContext,
    name: string,
  ): Promise<OpenPgp.PrivateKey> {
    const armored = await keyText(context, name, 'privateKey', 'pgpEncryption.signature');
    const settings = context.secrets.connection('pgp', name, 'pgpEncryption.signature');
    try {
      const key = await openpgp.readPrivateKey({ armoredKey: armored });
      if (key.isDecrypted()) return key;
      if (!settings['passphrase']) throw new Error('it is protected by a passphrase and none is given (passphrase)');
      return await openpgp.decryptKey({ privateKey: key, passphrase: settings['passphrase'] });
    } catch (error) {
      throw new ExportkitError(
        `pgpEncryption.signature: the private key "${name}" cannot be used: ${context.secrets.redact((error as Error).message)}`,
      );
    }
  }
}

/** The armored key `name` holds as `setting` (or in the file `<setting>Path`). */
async function keyText(
  context: DeliveryContext,
  name: string,
  setting: 'publicKey' | 'privateKey',
  where: string,
): Promise<string> {
  const settings = context.secrets.connection('pgp', name, where);
  const path = settings[`${setting}Path`];
  const text = settings[setting] ?? (path ? await readFile(path, 'utf8') : undefined);
  if (!text) throw new ExportkitError(`${where}: the key "${name}" has no ${setting} (nor ${setting}Path)`);
  if (setting === 'privateKey') context.secrets.remember(text);
  return text;
}
