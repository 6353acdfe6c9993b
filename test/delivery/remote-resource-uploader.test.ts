import { expect } from 'chai';
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { DeliveryOptions } from '@exportkit/core';
import {
  demoTemplate,
  deliveriesOf,
  describeDelivery,
  expectSecretNowhere,
  failureOf,
  filesUnder,
  lastRun,
  QUICK_RETRY,
  yaml,
} from './support/delivery-suite.js';
import { sshdUnavailable, startSshd, type Sshd } from './support/sshd.js';

const unavailable = sshdUnavailable();

const uploadTemplate = (extra = '') =>
  demoTemplate(
    [
      '    postProcess:',
      `      - remoteResourceUploader: { connection: hr-sftp, destinationFolderPath: "%REMOTE%"${extra} }`,
    ].join('\n'),
  );

(unavailable ? describe.skip : describe)(
  unavailable ? `delivery: remoteResourceUploader — skipped: ${unavailable}` : 'delivery: remoteResourceUploader',
  () => {
    let sshd: Sshd;
    before(async () => {
      sshd = await startSshd();
    });
    after(async () => sshd?.stop());

    /** The connection as the engine options give it; the passphrase is the secret the tests look for. */
    const connection = (settings: Record<string, string> = {}): DeliveryOptions['connections'] => ({
      sftp: {
        'hr-sftp': {
          host: '127.0.0.1',
          port: String(sshd.port),
          login: sshd.user,
          privateKey: sshd.privateKey,
          passphrase: sshd.passphrase,
          hostKey: sshd.hostKey,
          ...settings,
        },
      },
    });
    const template = (folder: string, extra = '') => yaml(uploadTemplate(extra).replace('%REMOTE%', folder));

    describeDelivery('against a real sshd on loopback', (env) => {
      it('uploads the package under a temporary name, then renames it; the secrets appear nowhere', async () => {
        const folder = join(sshd.remote, 'inbox-ok');
        const result = await env.engine({ connections: connection(), retry: QUICK_RETRY }).run(template(folder));
        const run = result.exports[0]!;
        const local = join(env.dataDir, 'exports', 'demo_20210301-090000.zip');
        expect(readdirSync(folder)).to.deep.equal(['demo_20210301-090000.zip']);
        expect(readFileSync(join(folder, 'demo_20210301-090000.zip')).equals(readFileSync(local))).to.equal(true);
        expect(run.deliveries).to.deep.equal([
          {
            step: 'remoteResourceUploader',
            target: `sftp connection hr-sftp ${folder}`,
            status: 'succeeded',
            attempts: 1,
          },
        ]);
        expect(filesUnder(env.dataDir)).to.deep.equal(['exports/demo_20210301-090000.zip']);
        await expectSecretNowhere(sshd.passphrase, env.logLines, env.dataDir, env.db.knex);
        await expectSecretNowhere(sshd.privateKey.split('\n')[1]!, env.logLines, env.dataDir, env.db.knex);
      });

      it('takes the connection from EXPORTKIT_SFTP_<ID>_* variables, and removeSources deletes the local files', async () => {
        const folder = join(sshd.remote, 'inbox-env');
        const env_ = {
          EXPORTKIT_SFTP_HR_SFTP_HOST: '127.0.0.1',
          EXPORTKIT_SFTP_HR_SFTP_PORT: String(sshd.port),
          EXPORTKIT_SFTP_HR_SFTP_LOGIN: sshd.user,
          EXPORTKIT_SFTP_HR_SFTP_PRIVATE_KEY: sshd.privateKey,
          EXPORTKIT_SFTP_HR_SFTP_PASSPHRASE: sshd.passphrase,
          EXPORTKIT_SFTP_HR_SFTP_HOST_KEY: sshd.hostKey,
        };
        await env.engine({ env: env_, retry: QUICK_RETRY }).run(template(folder, ', removeSources: yes'));
        expect(readdirSync(folder)).to.deep.equal(['demo_20210301-090000.zip']);
        expect(filesUnder(env.dataDir)).to.deep.equal([]);
      });

      it('a sourceFilesPath glob picks the files of a folder of the data directory', async () => {
        const folder = join(sshd.remote, 'inbox-glob');
        mkdirSync(join(env.dataDir, 'outbox'));
        writeFileSync(join(env.dataDir, 'outbox', 'a.csv'), 'a');
        writeFileSync(join(env.dataDir, 'outbox', 'b.txt'), 'b');
        writeFileSync(join(env.dataDir, 'outbox', '.hidden.csv'), 'h');
        await env
          .engine({ connections: connection(), retry: QUICK_RETRY })
          .run(template(folder, ', sourceFilesPath: "outbox/*.csv"'));
        expect(readdirSync(folder)).to.deep.equal(['a.csv']);
      });

      it('a file already at its remote name: the same bytes are not sent again, other bytes of the same size are refused and left there', async () => {
        const folder = join(sshd.remote, 'inbox-taken');
        mkdirSync(join(env.dataDir, 'outbox'));
        writeFileSync(join(env.dataDir, 'outbox', 'a.csv'), 'abc');
        const engine = env.engine({ connections: connection(), retry: QUICK_RETRY });
        const run = () => engine.run(template(folder, ', sourceFilesPath: "outbox/*.csv"'));
        await run();
        await run();
        expect(env.logLines.join('\n')).to.contain('a.csv is already at');
        writeFileSync(join(env.dataDir, 'outbox', 'a.csv'), 'xyz');
        const error = await failureOf(run());
        expect(error?.message).to.match(/a\.csv already exists on the server and is another file/);
        expect(readFileSync(join(folder, 'a.csv'), 'utf8')).to.equal('abc');
        expect(readdirSync(folder)).to.deep.equal(['a.csv']);
      });

      it('wrong credentials: refused at once (no retry), the run fails, its files kept, recorded', async () => {
        const folder = join(sshd.remote, 'inbox-denied');
        const error = await failureOf(
          env
            .engine({ connections: connection({ privateKey: sshd.strangerKey, passphrase: '' }), retry: QUICK_RETRY })
            .run(template(folder)),
        );
        expect(error?.message).to.match(
          /^demo: remoteResourceUploader to sftp connection hr-sftp .* failed after 1 attempt\(s\): login refused for /,
        );
        expect(filesUnder(env.dataDir)).to.deep.equal(['exports/demo_20210301-090000.zip']);
        expect(existsSync(folder)).to.equal(false);
        const run = await lastRun(env.db.knex);
        expect(run['status']).to.equal('failed');
        expect(await deliveriesOf(env.db.knex, Number(run['id']))).to.have.length(1);
        expect((await deliveriesOf(env.db.knex, Number(run['id'])))[0]).to.include({ status: 'failed', attempts: 1 });
        await expectSecretNowhere(
          sshd.strangerKey.split('\n')[1]!,
          [error!.message, ...env.logLines],
          env.dataDir,
          env.db.knex,
        );
      });

      it('an unknown host key is refused, nothing uploaded', async () => {
        const folder = join(sshd.remote, 'inbox-hostkey');
        const error = await failureOf(
          env
            .engine({
              connections: connection({ hostKey: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }),
              retry: QUICK_RETRY,
            })
            .run(template(folder)),
        );
        expect(error?.message).to.contain(`the server's host key ${sshd.hostKey} is not the one configured; refused`);
        expect(existsSync(folder)).to.equal(false);
        const missing = await failureOf(
          env.engine({ connections: connection({ hostKey: '' }), retry: QUICK_RETRY }).run(template(folder)),
        );
        expect(missing?.message).to.contain('has no hostKey');
      });

      it('a server that accepts but never answers times out per attempt', async () => {
        const folder = join(sshd.remote, 'inbox-timeout');
        sshd.pause();
        try {
          const error = await failureOf(
            env
              .engine({ connections: connection(), retry: { attempts: 2, backoffMs: 10, timeoutMs: 700 } })
              .run(template(folder)),
          );
          expect(error?.message).to.match(/failed after 2 attempt\(s\): .*(timed out|Timed out)/);
        } finally {
          sshd.resume();
        }
        expect(filesUnder(env.dataDir)).to.deep.equal(['exports/demo_20210301-090000.zip']);
      });
    });
  },
);

/** The peer going away mid-transfer needs its own server: it is killed. */
(unavailable ? describe.skip : describe)(
  unavailable
    ? `delivery: remoteResourceUploader, peer killed — skipped: ${unavailable}`
    : 'delivery: remoteResourceUploader, peer killed mid-transfer',
  () => {
    let sshd: Sshd;
    before(async () => {
      sshd = await startSshd();
    });
    after(async () => sshd?.stop());

    describeDelivery('against a real sshd on loopback', (env) => {
      it('kill sshd while the file is being written: the run fails, local files kept, no final remote file', async () => {
        const folder = join(sshd.remote, 'inbox-killed');
        mkdirSync(join(env.dataDir, 'big'));
        writeFileSync(join(env.dataDir, 'big', 'large.bin'), randomBytes(96 * 1024 * 1024));
        const watcher = setInterval(() => {
          if (existsSync(folder) && readdirSync(folder).some((f) => f.endsWith('.part'))) {
            clearInterval(watcher);
            sshd.kill();
          }
        }, 2);
        try {
          const error = await failureOf(
            env
              .engine({
                connections: {
                  sftp: {
                    'hr-sftp': {
                      host: '127.0.0.1',
                      port: String(sshd.port),
                      login: sshd.user,
                      privateKey: sshd.privateKey,
                      passphrase: sshd.passphrase,
                      hostKey: sshd.hostKey,
                    },
                  },
                },
                retry: QUICK_RETRY,
              })
              .run(
                yaml(
                  demoTemplate(
                    [
                      '    postProcess:',
                      `      - remoteResourceUploader: { connection: hr-sftp, destinationFolderPath: "${folder}", sourceFilesPath: "big/*.bin" }`,
                    ].join('\n'),
                  ),
                ),
              ),
          );
          expect(error?.message).to.match(/remoteResourceUploader to .* failed after 2 attempt\(s\)/);
          expect(readdirSync(folder).filter((f) => !f.endsWith('.part'))).to.deep.equal([]);
          expect(filesUnder(env.dataDir)).to.deep.equal(['big/large.bin', 'exports/demo_20210301-090000.zip']);
          const lines = env.logLines.filter((l) => /attempt \d of 2 failed/.test(l));
          expect(lines).to.have.length(2);
        } finally {
          clearInterval(watcher);
        }
      });
    });
  },
);
