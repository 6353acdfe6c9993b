/*
 * configs/delivery-example.yaml end to end through the command line, against the four real
 * peers on this machine: the e-mail (smtp-server), the OpenPGP file (gpg decrypts and verifies
 * it once uploaded), the SFTP upload (sshd), the callback (node:http). Only the callback's URL is
 * changed in a copy of the template (its port is chosen at random); every setting and secret
 * comes from environment variables, as documented. Then a failing callback, and
 * `run --retry-delivery`.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect } from '@exportkit/db';
import { EXPORT_DELIVERIES, EXPORT_RUNS } from '@exportkit/core';
import { startSmtp, SMTP_PASSWORD, type SmtpPeer } from './support/smtp.js';
import { sshdUnavailable, startSshd, type Sshd } from './support/sshd.js';
import { gpgHome, gpgUnavailable, type GpgHome } from './support/gpg.js';
import { postgresAvailable, scratchDatabase, type ScratchDatabase } from '../support/databases.js';

const cli = resolve('packages/exportkit/dist/main.js');
const unavailable = sshdUnavailable() ?? gpgUnavailable();

/** The CLI in a child process; asynchronous, so that the peers of this process (SMTP, HTTP) answer meanwhile. */
function exportkit(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [cli, ...args], {
    env: { ...process.env, DATABASE_URL: undefined, EXPORTKIT_DEBUG: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((ok) => child.on('close', (code) => ok({ code, stdout, stderr })));
}

(unavailable ? describe.skip : describe)(
  unavailable
    ? `delivery: configs/delivery-example.yaml end to end — skipped: ${unavailable}`
    : 'delivery: configs/delivery-example.yaml end to end (CLI, real peers)',
  function () {
    this.timeout(180_000);
    let dir: string;
    let db: string;
    let scratch: ScratchDatabase | undefined;
    let sshd: Sshd;
    let smtp: SmtpPeer;
    let gpg: GpgHome;
    let server: Server;
    let callbackStatus = 200;
    const callbacks: Array<{ headers: Record<string, unknown>; body: URLSearchParams }> = [];
    let template: string;

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'exportkit-delivery-e2e-'));
      // A PostgreSQL scratch database when there is a server (each CLI process opens it at once);
      // else a PGlite folder, which each process boots (seconds).
      scratch = postgresAvailable ? await scratchDatabase('postgres') : undefined;
      db = scratch?.url ?? `file:${join(dir, 'pglite')}`;
      [sshd, smtp] = await Promise.all([startSshd(), startSmtp()]);
      gpg = gpgHome();
      server = createServer((req, res) => {
        let text = '';
        req.on('data', (d: Buffer) => (text += d.toString()));
        req.on('end', () => {
          callbacks.push({ headers: req.headers, body: new URLSearchParams(text) });
          res.writeHead(callbackStatus).end();
        });
      });
      await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
      const port = (server.address() as AddressInfo).port;
      template = join(dir, 'delivery-example.yaml');
      const original = readFileSync('configs/delivery-example.yaml', 'utf8');
      expect(original).to.contain('https://hooks.example.com/exportkit/done');
      writeFileSync(
        template,
        original.replace('https://hooks.example.com/exportkit/done', `http://127.0.0.1:${port}/done`),
      );
      expect((await exportkit(['db', 'migrate', '--db', db])).code).to.equal(0);
      const seeded = await exportkit([
        'db',
        'seed',
        '--learners',
        '8',
        '--seed',
        '3',
        '--anchor',
        '2026-11-01',
        '--db',
        db,
      ]);
      expect(seeded.code, seeded.stderr).to.equal(0);
    });
    after(async () => {
      await Promise.all([sshd?.stop(), smtp?.close(), new Promise((ok) => server?.close(ok))]);
      gpg?.dispose();
      await scratch?.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    const secrets = () => ({
      EXPORTKIT_SMTP_URL: smtp.url,
      EXPORTKIT_SMTP_FROM: 'exports@example.test',
      EXPORTKIT_PUBLIC_BASE_URL: 'https://files.example.test/exportkit',
      EXPORTKIT_PGP_HR_PUBLIC_PUBLIC_KEY: gpg.recipientPublicKey,
      EXPORTKIT_PGP_EXPORTS_SIGNING_PRIVATE_KEY: gpg.signerPrivateKey,
      EXPORTKIT_PGP_EXPORTS_SIGNING_PASSPHRASE: gpg.signerPassphrase,
      EXPORTKIT_SFTP_HR_SFTP_HOST: '127.0.0.1',
      EXPORTKIT_SFTP_HR_SFTP_PORT: String(sshd.port),
      EXPORTKIT_SFTP_HR_SFTP_LOGIN: sshd.user,
      EXPORTKIT_SFTP_HR_SFTP_PRIVATE_KEY: sshd.privateKey,
      EXPORTKIT_SFTP_HR_SFTP_PASSPHRASE: sshd.passphrase,
      EXPORTKIT_SFTP_HR_SFTP_HOST_KEY: sshd.hostKey,
      EXPORTKIT_DELIVERY_ATTEMPTS: '2',
      EXPORTKIT_DELIVERY_BACKOFF_MS: '50',
    });
    const SECRETS = () => [SMTP_PASSWORD, gpg.signerPassphrase, sshd.passphrase, sshd.privateKey.split('\n')[1]!];

    /** No secret in the outputs, the data directory's files or the engine's rows. */
    async function expectNoSecret(outputs: string[], dataDir: string): Promise<void> {
      for (const secret of SECRETS()) {
        for (const output of outputs) expect(output).not.to.contain(secret);
        for (const file of readdirSync(dataDir, { recursive: true }).map(String)) {
          try {
            expect(readFileSync(join(dataDir, file)).includes(secret), file).to.equal(false);
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== 'EISDIR') throw error;
          }
        }
      }
      const database = await connect(db);
      try {
        const rows = JSON.stringify([
          await database.knex(EXPORT_RUNS).select(),
          await database.knex(EXPORT_DELIVERIES).select(),
        ]);
        for (const secret of SECRETS()) expect(rows).not.to.contain(secret);
      } finally {
        await database.close();
      }
    }

    it('`exportkit columns` and `exportkit schema` list the four steps with their options', async () => {
      const columns = await exportkit(['columns']);
      expect(columns.code, columns.stderr).to.equal(0);
      expect(columns.stdout).to.contain('emailReport [consolidator, delivery]');
      expect(columns.stdout).to.match(
        /callBackUrl \[postProcess, delivery\] .*\(options: url, method, joinFileList, fields\)/,
      );
      expect(columns.stdout).to.match(/pgpEncryption \[postProcess, delivery\] .*\(options: recipients, signature, /);
      expect(columns.stdout).to.match(
        /remoteResourceUploader \[postProcess, delivery\] .*\(options: protocol, connection, /,
      );
      const schema = await exportkit(['schema']);
      expect(schema.code, schema.stderr).to.equal(0);
      for (const name of [
        'emailReport',
        'callBackUrl',
        'pgpEncryption',
        'remoteResourceUploader',
        'destinationFolderPath',
        'includeDownloadLink',
      ])
        expect(schema.stdout, name).to.contain(`"${name}"`);
    });

    it('runs with all four steps: e-mail with link, encrypted and signed upload, callback; nothing secret anywhere', async () => {
      const dataDir = join(dir, 'data-ok');
      const run = await exportkit(
        ['run', template, '--db', db, '--data-dir', dataDir, '--now', '2026-11-02T08:00:00Z', '--log-format', 'json'],
        secrets(),
      );
      expect(run.code, run.stderr).to.equal(0);
      const zip = join(dataDir, 'outbox', 'delivery-example_20261102-090000.zip');
      expect(run.stdout).to.contain(`${zip}\n`);
      expect(run.stdout).to.contain(`${zip}.gpg\n`);

      expect(smtp.messages).to.have.length(1);
      expect(smtp.messages[0]!.recipients).to.deep.equal(['hr@example.com', 'exports-team@example.com']);
      expect(smtp.messages[0]!.mail.text).to.contain(
        'https://files.example.test/exportkit/outbox/delivery-example_20261102-090000.zip',
      );

      const uploaded = join(sshd.remote, 'inbox', 'delivery-example_20261102-090000.zip.gpg');
      expect(readdirSync(join(sshd.remote, 'inbox'))).to.deep.equal(['delivery-example_20261102-090000.zip.gpg']);
      const { clear, status } = gpg.decrypt(uploaded);
      expect(clear.equals(readFileSync(zip))).to.equal(true);
      expect(status).to.match(/\[GNUPG:\] GOODSIG [0-9A-F]+ Signer <signer@example\.test>/);

      expect(callbacks).to.have.length(1);
      expect(callbacks[0]!.body.get('site')).to.equal('lyon');
      expect(callbacks[0]!.body.get('export')).to.equal('delivery-example');
      await expectNoSecret([run.stdout, run.stderr], dataDir);
    });

    it('a failing callback fails the run (exit 1), keeps the files; --retry-delivery sends only what did not get through', async () => {
      const dataDir = join(dir, 'data-retry');
      callbackStatus = 500;
      const before = { mails: smtp.messages.length, callbacks: callbacks.length };
      const run = await exportkit(
        ['run', template, '--db', db, '--data-dir', dataDir, '--now', '2026-11-03T08:00:00Z'],
        secrets(),
      );
      expect(run.code).to.equal(1);
      expect(run.stderr).to.match(
        /callBackUrl to POST http:\/\/127\.0\.0\.1:\d+\/done failed after 2 attempt\(s\): the server replied 500/,
      );
      expect(callbacks.length - before.callbacks).to.equal(2);
      const [failed] = JSON.parse((await exportkit(['runs', '--db', db, '--json'])).stdout) as Array<
        Record<string, unknown>
      >;
      expect(failed).to.deep.include({ status: 'failed' });
      expect(readdirSync(join(dataDir, 'outbox')).sort()).to.deep.equal([
        'delivery-example_20261103-090000.zip',
        'delivery-example_20261103-090000.zip.gpg',
      ]);

      callbackStatus = 200;
      const retry = await exportkit(
        ['run', template, '--db', db, '--data-dir', dataDir, '--retry-delivery', String(failed!['id'])],
        secrets(),
      );
      expect(retry.code, retry.stderr).to.equal(0);
      expect(retry.stdout).to.match(/emailReport: mail to .*: skipped\n/);
      expect(retry.stdout).to.match(/remoteResourceUploader: .*: skipped\n/);
      expect(retry.stdout).to.match(/callBackUrl: POST .*: succeeded\n/);
      expect(smtp.messages.length - before.mails).to.equal(1);
      expect(callbacks.length - before.callbacks).to.equal(3);
      expect(callbacks.at(-1)!.body.get('runId')).to.equal(String(failed!['id']));
      const [after] = JSON.parse((await exportkit(['runs', '--db', db, '--json'])).stdout) as Array<
        Record<string, unknown>
      >;
      expect(after).to.deep.include({ id: failed!['id'], status: 'succeeded' });
      await expectNoSecret([run.stdout, run.stderr, retry.stdout, retry.stderr], dataDir);
    });
  },
);
