import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import type { DeliveryOptions } from '@exportkit/core';
import {
  demoTemplate,
  describeDelivery,
  expectSecretNowhere,
  failureOf,
  filesUnder,
  lastRun,
  QUICK_RETRY,
  yaml,
} from './support/delivery-suite.js';
import { gpgHome, gpgUnavailable, type GpgHome } from './support/gpg.js';

const unavailable = gpgUnavailable();

const pgpTemplate = (extra = '') =>
  yaml(demoTemplate(['    postProcess:', `      - pgpEncryption: { recipients: [hr-public]${extra} }`].join('\n')));

(unavailable ? describe.skip : describe)(
  unavailable ? `delivery: pgpEncryption — skipped: ${unavailable}` : 'delivery: pgpEncryption, checked by gpg',
  () => {
    let gpg: GpgHome;
    before(() => {
      gpg = gpgHome();
    });
    after(() => gpg?.dispose());

    const keys = (signer: Record<string, string> = {}): DeliveryOptions => ({
      retry: QUICK_RETRY,
      connections: {
        pgp: {
          'hr-public': { publicKey: gpg.recipientPublicKey },
          'exports-signing': { privateKey: gpg.signerPrivateKey, passphrase: gpg.signerPassphrase, ...signer },
        },
      },
    });

    describeDelivery('keys named in the engine options', (env) => {
      it('encrypts and signs the package: gpg decrypts it to the same bytes and finds a good signature', async () => {
        const zip = join(env.dataDir, 'exports', 'demo_20210301-090000.zip');
        const result = await env.engine(keys()).run(pgpTemplate(', signature: exports-signing'));
        const run = result.exports[0]!;
        expect(filesUnder(env.dataDir)).to.deep.equal(['exports/demo_20210301-090000.zip.gpg']);
        expect(run.files).to.deep.equal([`${zip}.gpg`]);
        const { clear, status } = gpg.decrypt(`${zip}.gpg`);
        expect(clear.subarray(0, 2).toString()).to.equal('PK');
        // The clear package had the manifest inside: unzip lists it from the decrypted bytes.
        writeFileSync(join(env.dataDir, 'check.zip'), clear);
        expect(execFileSync('unzip', ['-Z1', join(env.dataDir, 'check.zip')], { encoding: 'utf8' })).to.contain(
          'manifest.json',
        );
        expect(status).to.match(/\[GNUPG:\] GOODSIG [0-9A-F]+ Signer <signer@example\.test>/);
        expect(status).to.contain('[GNUPG:] DECRYPTION_OKAY');
        const recorded = (await lastRun(env.db.knex))['files'];
        expect(typeof recorded === 'string' ? JSON.parse(recorded) : recorded).to.deep.equal([`${zip}.gpg`]);
        await expectSecretNowhere(gpg.signerPassphrase, env.logLines, env.dataDir, env.db.knex);
      });

      it('unsigned, keys from EXPORTKIT_PGP_<NAME>_PUBLIC_KEY_PATH, into an output folder, sources kept', async () => {
        const keyFile = join(gpg.home, 'hr-public.asc');
        writeFileSync(keyFile, gpg.recipientPublicKey);
        await env
          .engine({ retry: QUICK_RETRY, env: { EXPORTKIT_PGP_HR_PUBLIC_PUBLIC_KEY_PATH: keyFile } })
          .run(pgpTemplate(', outputFolderPath: encrypted, removeSources: no'));
        expect(filesUnder(env.dataDir)).to.deep.equal([
          'encrypted/demo_20210301-090000.zip.gpg',
          'exports/demo_20210301-090000.zip',
        ]);
        const { clear, status } = gpg.decrypt(join(env.dataDir, 'encrypted/demo_20210301-090000.zip.gpg'));
        expect(clear.equals(readFileSync(join(env.dataDir, 'exports/demo_20210301-090000.zip')))).to.equal(true);
        expect(status).not.to.contain('GOODSIG');
      });

      it('a wrong passphrase fails the run with a clear message; the clear files stay, nothing encrypted, no secret shown', async () => {
        const error = await failureOf(
          env.engine(keys({ passphrase: 'not-the-passphrase-41' })).run(pgpTemplate(', signature: exports-signing')),
        );
        expect(error?.message).to.match(
          /^demo: pgpEncryption to recipients hr-public, signed by exports-signing failed: pgpEncryption\.signature: the private key "exports-signing" cannot be used: /,
        );
        expect(filesUnder(env.dataDir)).to.deep.equal(['exports/demo_20210301-090000.zip']);
        expect((await lastRun(env.db.knex))['status']).to.equal('failed');
        await expectSecretNowhere('not-the-passphrase-41', [error!.message, ...env.logLines], env.dataDir, env.db.knex);
      });

      it('a recipient named nowhere: the message says where keys are given', async () => {
        const error = await failureOf(env.engine({ retry: QUICK_RETRY, env: {} }).run(pgpTemplate()));
        expect(error?.message).to.contain(
          'pgpEncryption.recipients: no pgp connection "hr-public"; give it in the engine options (delivery.connections.pgp) or in environment variables EXPORTKIT_PGP_HR_PUBLIC_<SETTING>',
        );
      });
    });
  },
);
