import { expect } from 'chai';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
import { SMTP_PASSWORD, startSmtp, type SmtpPeer } from './support/smtp.js';

const reportTemplate = (extra = '') =>
  yaml(
    demoTemplate(
      ['    consolidators:', `      - emailReport: { targetEmail: [hr@example.test, ops@example.test]${extra} }`].join(
        '\n',
      ),
    ),
  );

describeDelivery('delivery: emailReport through an in-process SMTP server', (env) => {
  let smtp: SmtpPeer;
  beforeEach(async () => {
    smtp = await startSmtp();
  });
  afterEach(async () => smtp?.close());
  const smtpOptions = (url = smtp.url) => ({
    retry: QUICK_RETRY,
    connections: { smtp: { default: { url, from: 'exports@example.test' } } },
  });

  it('sends the summary to every recipient with the package attached; the password appears nowhere', async () => {
    const result = await env.engine(smtpOptions()).run(reportTemplate());
    const run = result.exports[0]!;
    expect(smtp.messages).to.have.length(1);
    const { mail, recipients } = smtp.messages[0]!;
    expect(recipients).to.deep.equal(['hr@example.test', 'ops@example.test']);
    expect(mail.subject).to.equal('exportkit: demo — 5 rows');
    expect(mail.from?.text).to.equal('exports@example.test');
    expect(mail.text).to.contain('Export demo (demo-export) succeeded.');
    expect(mail.text).to.contain(`run: ${run.runId}`);
    expect(mail.text).to.contain('rows: 5');
    expect(mail.text).to.match(/demo_20210301-090000\.zip \(\d+ bytes\)/);
    expect(mail.attachments.map((a) => a.filename)).to.deep.equal(['demo_20210301-090000.zip']);
    expect(
      mail.attachments[0]!.content.equals(readFileSync(join(env.dataDir, 'exports', 'demo_20210301-090000.zip'))),
    ).to.equal(true);
    expect(run.deliveries).to.deep.equal([
      { step: 'emailReport', target: 'mail to hr@example.test, ops@example.test', status: 'succeeded', attempts: 1 },
    ]);
    await expectSecretNowhere(SMTP_PASSWORD, env.logLines, env.dataDir, env.db.knex);
  });

  it('the SMTP server from a delivery settings file (EXPORTKIT_DELIVERY_FILE): sent, its password nowhere, a file others can read warned about', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'exportkit-settings-'));
    try {
      const file = join(folder, 'delivery.yaml');
      writeFileSync(
        file,
        `connections:\n  smtp:\n    default:\n      url: "${smtp.url}"\n      from: exports@example.test\n`,
      );
      chmodSync(file, 0o644);
      await env.engine({ retry: QUICK_RETRY, env: { EXPORTKIT_DELIVERY_FILE: file } }).run(reportTemplate());
      expect(smtp.messages).to.have.length(1);
      expect(smtp.messages[0]!.mail.from?.text).to.equal('exports@example.test');
      expect(env.logLines.join('\n')).to.contain(`delivery settings ${file} can be read by other users`);
      await expectSecretNowhere(SMTP_PASSWORD, env.logLines, env.dataDir, env.db.knex);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('includeDownloadLink: a link under the publicBaseUrl instead of the attachment; without one, a clear error', async () => {
    await env
      .engine({ ...smtpOptions(), publicBaseUrl: 'https://files.example.test/exports-data/' })
      .run(reportTemplate(', includeDownloadLink: yes'));
    const { mail } = smtp.messages[0]!;
    expect(mail.attachments).to.deep.equal([]);
    expect(mail.text).to.contain('https://files.example.test/exports-data/exports/demo_20210301-090000.zip');

    const error = await failureOf(env.engine(smtpOptions()).run(reportTemplate(', includeDownloadLink: yes')));
    expect(error?.message).to.contain('emailReport.includeDownloadLink: the engine has no publicBaseUrl');
  });

  it('reads EXPORTKIT_SMTP_URL; with no SMTP server at all, the report is skipped with a warning', async () => {
    await env.engine({ retry: QUICK_RETRY, env: { EXPORTKIT_SMTP_URL: smtp.url } }).run(reportTemplate());
    expect(smtp.messages).to.have.length(1);
    const result = await env.engine({ retry: QUICK_RETRY, env: {} }).run(reportTemplate());
    expect(result.exports[0]!.files).to.have.length(1);
    expect(env.logLines.some((l) => l.includes('emailReport: no SMTP server is set'))).to.equal(true);
  });

  it('wrong credentials: refused, not tried again, the run fails with its files kept; the password is not shown', async () => {
    const wrong = smtp.url.replace(SMTP_PASSWORD, 'wrong-pass-77');
    const error = await failureOf(env.engine(smtpOptions(wrong)).run(reportTemplate()));
    expect(error?.message).to.match(
      /^demo: emailReport to mail to hr@example\.test, ops@example\.test failed after 1 attempt\(s\): .*Invalid username or password/,
    );
    expect(filesUnder(env.dataDir)).to.deep.equal(['exports/demo_20210301-090000.zip']);
    expect((await lastRun(env.db.knex))['status']).to.equal('failed');
    await expectSecretNowhere('wrong-pass-77', [error!.message, ...env.logLines], env.dataDir, env.db.knex);
  });

  it('the server closes the socket during DATA: tried again, then the run fails', async () => {
    smtp.onData = 'drop';
    const error = await failureOf(env.engine(smtpOptions()).run(reportTemplate()));
    expect(error?.message).to.match(/emailReport to .* failed after 2 attempt\(s\)/);
    expect(
      env.logLines.filter((l) => l.includes('emailReport: mail to') && l.includes('attempt 1 of 2 failed')),
    ).to.have.length(1);
    expect(smtp.messages).to.have.length(0);
  });

  it('a server that never answers DATA times out per attempt', async () => {
    smtp.onData = 'hang';
    const error = await failureOf(
      env.engine({ ...smtpOptions(), retry: { attempts: 2, backoffMs: 10, timeoutMs: 500 } }).run(reportTemplate()),
    );
    expect(error?.message).to.match(/failed after 2 attempt\(s\): .*(timed out|Timeout)/i);
  });
});
