import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDeliveryFile, SecretResolver, withDeliveryFile, type Logger } from '@exportkit/core';
import { recordingLogger } from './support/delivery-suite.js';

describe('delivery: the delivery settings file', () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'exportkit-delivery-file-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));
  const write = (text: string, mode = 0o600) => {
    const file = join(folder, 'delivery.yaml');
    writeFileSync(file, text, { mode });
    return file;
  };
  const quiet: Logger = recordingLogger([]);

  it('reads connections, publicBaseUrl and retry; numbers as written become text settings', () => {
    const file = write(
      [
        'connections:',
        '  sftp:',
        '    hr-sftp: { host: sftp.example.test, port: 2222, login: exports, password: "s3cret-pw" }',
        'publicBaseUrl: https://files.example.test/',
        'retry: { attempts: 5, backoffMs: 10 }',
      ].join('\n'),
    );
    expect(readDeliveryFile(file)).to.deep.equal({
      connections: {
        sftp: { 'hr-sftp': { host: 'sftp.example.test', port: '2222', login: 'exports', password: 's3cret-pw' } },
      },
      publicBaseUrl: 'https://files.example.test/',
      retry: { attempts: 5, backoffMs: 10 },
    });
  });

  it('the engine options win over the file, setting by setting, and the file over the environment', () => {
    const file = write(
      'connections:\n  sftp:\n    hr-sftp: { host: from-file, login: file-login }\nretry: { attempts: 5 }\n',
    );
    const options = withDeliveryFile(
      {
        file,
        connections: { sftp: { 'hr-sftp': { host: 'from-options' } } },
        retry: { backoffMs: 7 },
        env: { EXPORTKIT_SFTP_HR_SFTP_LOGIN: 'env-login', EXPORTKIT_SFTP_HR_SFTP_PORT: '2200' },
      },
      folder,
      quiet,
    );
    expect(options.retry).to.deep.equal({ attempts: 5, backoffMs: 7 });
    expect(new SecretResolver(options).connection('sftp', 'hr-sftp', 'test')).to.deep.equal({
      host: 'from-options',
      login: 'file-login',
      port: '2200',
    });
  });

  it('EXPORTKIT_DELIVERY_FILE names it, relative to the engine folder; none named, the options stand as given', () => {
    write('publicBaseUrl: https://files.example.test/\n');
    expect(
      withDeliveryFile({ env: { EXPORTKIT_DELIVERY_FILE: 'delivery.yaml' } }, folder, quiet).publicBaseUrl,
    ).to.equal('https://files.example.test/');
    const given = { publicBaseUrl: 'https://other.example.test/', env: {} };
    expect(withDeliveryFile(given, folder, quiet)).to.equal(given);
  });

  for (const [title, text, expected] of [
    ['a YAML syntax error', 'connections:\n  sftp: [unclosed\n', /delivery\.yaml:\d+: not YAML or JSON: /],
    [
      'an unknown top-level key',
      'publicBaseUrl: https://x.test/\nconnection: {}\n',
      /delivery\.yaml:2: unknown key "connection"; allowed: connections, publicBaseUrl, retry/,
    ],
    [
      'an unknown connection kind',
      'connections:\n  ftp: {}\n',
      /delivery\.yaml:2: connections: unknown kind "ftp"; allowed: sftp, smtp, pgp/,
    ],
    [
      'a retry that is not a number',
      'retry:\n  attempts: many\n',
      /delivery\.yaml:2: retry\.attempts: expected a whole number/,
    ],
    [
      'a setting that is a mapping',
      'connections:\n  sftp:\n    hr-sftp:\n      password:\n        nested: "s3cret-pw"\n',
      /delivery\.yaml:5: connections\.sftp\.hr-sftp\.password: expected a text value/,
    ],
  ] as const) {
    it(`${title}: refused with the file, the line and what is allowed (exit 2), no value shown`, () => {
      const file = write(text);
      let error: (Error & { exitCode?: number }) | undefined;
      try {
        readDeliveryFile(file);
      } catch (caught) {
        error = caught as Error & { exitCode?: number };
      }
      expect(error?.message).to.match(expected);
      expect(error?.message).to.contain(file);
      expect(error?.message).not.to.contain('s3cret-pw');
      expect(error?.exitCode).to.equal(2);
    });
  }

  it('a file that cannot be read is refused naming it', () => {
    expect(() => readDeliveryFile(join(folder, 'missing.yaml'))).to.throw(/delivery settings .*missing\.yaml: ENOENT/);
  });
});
