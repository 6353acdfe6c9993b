import { expect } from 'chai';
import { InvalidEngineOptionError, retryPolicyOf, SecretResolver, envName } from '@exportkit/core';

describe('delivery: named connections and the retry policy', () => {
  it('reads EXPORTKIT_<KIND>_<ID>_<SETTING>; the engine options win; an unknown id names both places', () => {
    const resolver = new SecretResolver({
      env: {
        EXPORTKIT_SFTP_HR_SFTP_HOST: 'env-host',
        EXPORTKIT_SFTP_HR_SFTP_PRIVATE_KEY_PATH: '/keys/id',
        EXPORTKIT_SFTP_OTHER_HOST: 'other',
      },
      connections: { sftp: { 'hr-sftp': { host: 'option-host', login: 'exports' } } },
    });
    expect(envName('hr-sftp.eu')).to.equal('HR_SFTP_EU');
    expect(resolver.connection('sftp', 'hr-sftp', 'x')).to.deep.equal({
      host: 'option-host',
      privateKeyPath: '/keys/id',
      login: 'exports',
    });
    expect(() => resolver.connection('pgp', 'nobody', 'pgpEncryption.recipients')).to.throw(
      'pgpEncryption.recipients: no pgp connection "nobody"; give it in the engine options (delivery.connections.pgp) or in environment variables EXPORTKIT_PGP_NOBODY_<SETTING>',
    );
  });

  it('redacts every secret it handed out, and the password inside a URL, plain or encoded', () => {
    const resolver = new SecretResolver({
      env: { EXPORTKIT_SMTP_URL: 'smtp://user:p%40ss-w0rd@mail.example.test:587' },
      connections: { sftp: { a: { password: 'hunter2-long', host: 'h' } } },
    });
    resolver.connection('sftp', 'a', 'x');
    resolver.secretVariable('EXPORTKIT_SMTP_URL');
    expect(resolver.redact('login hunter2-long failed at h')).to.equal('login *** failed at h');
    expect(resolver.redact('connect smtp://user:p%40ss-w0rd@mail.example.test:587 (p@ss-w0rd)')).to.equal(
      'connect *** (***)',
    );
  });

  it('the retry policy: options, else EXPORTKIT_DELIVERY_*, else 3 attempts, 1 s backoff, 30 s per attempt', () => {
    expect(retryPolicyOf({ env: {} })).to.deep.equal({ attempts: 3, backoffMs: 1000, timeoutMs: 30_000 });
    expect(retryPolicyOf({ env: { EXPORTKIT_DELIVERY_ATTEMPTS: '5' }, retry: { timeoutMs: 10 } })).to.deep.equal({
      attempts: 5,
      backoffMs: 1000,
      timeoutMs: 10,
    });
    expect(() => retryPolicyOf({ env: { EXPORTKIT_DELIVERY_ATTEMPTS: '0' } })).to.throw(
      InvalidEngineOptionError,
      'delivery retry attempts (EXPORTKIT_DELIVERY_ATTEMPTS): 0 is not a whole number of at least 1',
    );
  });
});
