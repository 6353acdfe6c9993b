/*
 * Debian's gpg in a temporary home folder: makes the keys of the PGP tests (a recipient without
 * passphrase, a signer with one) and decrypts and verifies what the engine wrote.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const GPG = '/usr/bin/gpg';

export function gpgUnavailable(): string | undefined {
  return existsSync(GPG) ? undefined : 'gnupg is not installed (/usr/bin/gpg missing)';
}

export interface GpgHome {
  /** The temporary home folder (removed by dispose). */
  home: string;
  recipientPublicKey: string;
  signerPrivateKey: string;
  signerPassphrase: string;
  /** Decrypts `file` with the recipient's key; `status` holds gpg's status lines (GOODSIG…). */
  decrypt(file: string): { clear: Buffer; status: string };
  dispose(): void;
}

export function gpgHome(): GpgHome {
  const home = mkdtempSync(join(tmpdir(), 'exportkit-gpg-'));
  const gpg = (args: string[], passphrase = '') =>
    execFileSync(
      GPG,
      ['--homedir', home, '--batch', '--pinentry-mode', 'loopback', '--passphrase', passphrase, ...args],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
  const signerPassphrase = 'pgp-signer-secret-93';
  gpg(['--quick-gen-key', 'Recipient <recipient@example.test>', 'default', 'default', 'never']);
  gpg(['--quick-gen-key', 'Signer <signer@example.test>', 'default', 'default', 'never'], signerPassphrase);
  return {
    home,
    recipientPublicKey: gpg(['--armor', '--export', 'recipient@example.test']).toString(),
    signerPrivateKey: gpg(['--armor', '--export-secret-keys', 'signer@example.test'], signerPassphrase).toString(),
    signerPassphrase,
    decrypt(file) {
      const out = join(home, 'clear.out');
      const statusFile = join(home, 'status.out');
      rmSync(out, { force: true });
      const result = spawnSync(
        GPG,
        [
          '--homedir',
          home,
          '--batch',
          '--pinentry-mode',
          'loopback',
          '--passphrase',
          '',
          '--status-file',
          statusFile,
          '--output',
          out,
          '--decrypt',
          file,
        ],
        { encoding: 'utf8' },
      );
      if (result.status !== 0) throw new Error(`gpg --decrypt failed: ${result.stderr}`);
      return { clear: readFileSync(out), status: readFileSync(statusFile, 'utf8') };
    },
    dispose() {
      spawnSync('gpgconf', ['--homedir', home, '--kill', 'gpg-agent']);
      rmSync(home, { recursive: true, force: true });
    },
  };
}
