import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const cli = resolve('packages/exportkit/dist/main.js');

function exportkit(args: string[], env: Record<string, string | undefined> = {}) {
  const result = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: undefined, ...env },
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('exportkit command line', function () {
  this.timeout(180_000);
  let dir: string;
  let db: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'exportkit-cli-'));
    db = `file:${join(dir, 'pglite')}`;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints help for the program and for every command, exit 0', () => {
    const main = exportkit(['--help']);
    expect(main.code).to.equal(0);
    for (const command of ['run', 'validate', 'columns', 'db', 'quickstart', 'docs', 'convert'])
      expect(main.stdout).to.contain(command);
    for (const command of [['run'], ['validate'], ['columns'], ['db', 'migrate'], ['db', 'seed'], ['quickstart']]) {
      const help = exportkit([...command, '--help']);
      expect(help.code, command.join(' ')).to.equal(0);
      expect(help.stdout).to.match(/Usage: exportkit/);
    }
  });

  it('exits 2 on an unknown command or a bad option value', () => {
    expect(exportkit(['exprot']).code).to.equal(2);
    const badNow = exportkit(['run', 'x.yaml', '--now', 'yesterday']);
    expect(badNow.code).to.equal(2);
    expect(badNow.stderr).to.match(/ISO-8601/);
    expect(exportkit(['columns', '--provider', 'nope']).code).to.equal(2);
  });

  it('exits 2 with the path when the template file is missing (the command line is wrong)', () => {
    const result = exportkit(['validate', join(dir, 'missing.yaml')]);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.contain('missing.yaml');
  });

  it('validate: exit 2 with file, line, element and suggestion for each problem', () => {
    const file = join(dir, 'bad.xml');
    writeFileSync(
      file,
      [
        '<providers>',
        '  <consolidatedTrackingProvider>',
        '    <columns>',
        '      <candidateNmae/>',
        '      <sessionTitel/>',
        '    </columns>',
        '  </consolidatedTrackingProvider>',
        '</providers>',
        '',
      ].join('\n'),
    );
    const result = exportkit(['validate', file]);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.contain(`${file}:4: <candidateNmae>`);
    expect(result.stderr).to.contain('did you mean candidateName?');
    expect(result.stderr).to.contain(`${file}:5: <sessionTitel>`);
    expect(result.stderr).to.contain('did you mean sessionTitle?');
  });

  it('--plugin is repeatable and never swallows the template that follows it; docs takes plugins too', () => {
    const acme = resolve('test/fixtures/acme-plugin');
    const file = join(dir, 'with-plugin.yaml');
    writeFileSync(file, 'provider: consolidatedTracking\ncolumns: [candidateId, acmeLogin]\n');
    const once = exportkit(['validate', '--plugin', acme, file]);
    expect(once.stderr).to.equal('');
    expect(once.code).to.equal(0);
    // Repeated: both given plugins are loaded (the same one twice claims its column twice).
    expect(exportkit(['validate', '--plugin', acme, '--plugin', acme, file]).stderr).to.match(
      /"acmeLoginUpper" is claimed twice/,
    );
    const without = exportkit(['validate', file]);
    expect(without.code).to.equal(2);
    const docs = join(dir, 'plugin-docs');
    mkdirSync(docs);
    expect(exportkit(['docs', '--plugin', acme, '--out', docs]).code).to.equal(0);
    expect(readFileSync(join(docs, 'columns.md'), 'utf8')).to.contain('acmeLoginUpper');
  });

  it('validate: allowed values listed once in their canonical spelling, with did-you-mean; a far unknown column hints at a plugin', () => {
    const file = join(dir, 'values.yaml');
    writeFileSync(
      file,
      'provider: consolidatedTracking\ncolumns: [candidateId, hrCostCentre]\nactions:\n  - fileExportAction: {format: CVS, delimiter: coma}\n',
    );
    const result = exportkit(['validate', file]);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.contain(
      `${file}:4: fileExportAction.format: "CVS" is not allowed; allowed: CSV, TSV, XML, XLSX, JSON, NDJSON, XLS (did you mean CSV?)`,
    );
    expect(result.stderr).to.contain(
      '"coma" is not allowed; allowed: comma, pipe, semicolon, tabulation, ",", "|", ";", tab (did you mean comma?)',
    );
    expect(result.stderr).not.to.match(/Csv|\t/);
    expect(result.stderr).to.contain(
      `${file}:2: hrCostCentre: unknown column of consolidatedTracking; no known column is close: if a plugin defines it, load that plugin`,
    );
  });

  it('quickstart (npm start): seeds a fresh database with a summary, and says why the export has few rows', () => {
    const result = exportkit(['quickstart', '--db', 'memory:', '--data-dir', join(dir, 'quick')]);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stderr).to.match(/\n {2}learners {2,}2,000\n/);
    expect(result.stdout).to.match(
      /^rows: \d+ \(only the registrations with activity in the template's time window: 3 × less_than_n_days up to \d{4}-/m,
    );
  });

  it('validate: exit 0 on a valid template', () => {
    const result = exportkit(['validate', 'configs/quickstart.yaml']);
    expect(result.stderr).to.equal('');
    expect(result.code).to.equal(0);
    expect(result.stdout).to.contain('valid');
  });

  it('convert: XML to YAML and back, with the provider named as each spelling does', () => {
    const yamlFile = join(dir, 'converted.yaml');
    const toYaml = exportkit(['convert', 'configs/consolidated-tracking.xml', '--out', yamlFile]);
    expect(toYaml.code, toYaml.stderr).to.equal(0);
    const yaml = readFileSync(yamlFile, 'utf8');
    expect(yaml).to.match(/provider: consolidatedTracking\n/);
    expect(yaml).to.contain('Department');
    expect(exportkit(['validate', yamlFile]).code).to.equal(0);
    const back = exportkit(['convert', yamlFile, '--to', 'xml']);
    expect(back.code, back.stderr).to.equal(0);
    expect(back.stdout).to.contain('<consolidatedTrackingProvider>');
    expect(back.stdout).to.contain(
      '<candidateCustomFieldGuid label="Department">8345C0A3-B8AB-7F65-0638-39B0E1244AA8</candidateCustomFieldGuid>',
    );
    expect(exportkit(['convert', yamlFile, '--to', 'json']).code).to.equal(2);
  });

  it('columns: lists the registry, as text and as JSON', () => {
    const text = exportkit(['columns']);
    expect(text.code).to.equal(0);
    expect(text.stdout).to.match(/sessionRegistrationDate \(registrationDate\) \[datetime\]/);
    expect(text.stdout).to.match(/File formats:\n(.*\n)* {2}XLSX .*\[\.xlsx/);
    expect(text.stdout).to.match(/Pipeline steps:\n(.*\n)* {2}fileExportAction \[action\]/);
    const json = exportkit(['columns', '--provider', 'consolidatedTracking', '--json']);
    expect(json.code).to.equal(0);
    const [provider] = JSON.parse(json.stdout);
    expect(provider.name).to.equal('consolidatedTracking');
    expect(provider.columns.map((c: { name: string }) => c.name)).to.include('candidateGuid');
  });

  it('db migrate, db seed and run: a zip of the export, exit 0; run with a bad template: exit 2 and no file', () => {
    expect(exportkit(['db', 'migrate', '--db', db]).code).to.equal(0);
    const seeded = exportkit(['db', 'seed', '--learners', '30', '--seed', '7', '--anchor', '2026-11-01', '--db', db]);
    expect(seeded.code, seeded.stderr).to.equal(0);
    // A readable summary with the real count of each table, not the learners' count after each phase.
    expect(seeded.stdout).to.match(/^seeded file:.* \(seed 7, last day of activity 2026-11-01\) in \d+\.\d s:\n/);
    expect(seeded.stdout).to.match(/\n {2}learners {2,}30\n/);
    expect(seeded.stdout).to.match(/\n {2}registrations {2,}150\n/);
    expect(seeded.stderr).not.to.contain('(30)');
    const dataDir = join(dir, 'data');
    const run = exportkit([
      'run',
      'configs/quickstart.yaml',
      '--db',
      db,
      '--data-dir',
      dataDir,
      '--now',
      '2026-11-02T08:00:00Z',
    ]);
    expect(run.code, run.stderr).to.equal(0);
    const zip = join(dataDir, 'exports', 'quickstart_20261102-090000.zip');
    expect(run.stdout).to.contain(zip);
    expect(run.stdout).to.match(/quickstart: \d+ rows/);
    expect(spawnSync('unzip', ['-tq', zip]).status).to.equal(0);

    // exportkit runs: what ran, from which template version, what it kept, where.
    const [last] = JSON.parse(exportkit(['runs', '--db', db, '--json']).stdout) as Array<Record<string, unknown>>;
    expect(last).to.deep.include({
      exportGuid: 'quickstart',
      status: 'succeeded',
      files: [zip],
      referenceNow: '2026-11-02T08:00:00.000Z',
    });
    expect(last!['templatePath']).to.equal(resolve('configs/quickstart.yaml'));
    expect(last!['templateSha256']).to.equal(
      createHash('sha256').update(readFileSync('configs/quickstart.yaml')).digest('hex'),
    );
    expect(last!['pid']).to.be.a('number');
    const text = exportkit(['runs', '--db', db, '--export', 'quickstart']);
    expect(text.stdout).to.match(
      /^#\d+ quickstart succeeded — started \d{4}-.*, [\d.]+ s, \d+ rows\n {4}template .*quickstart\.yaml \(sha256 [0-9a-f]{12}\)\n {4}now 2026-11-02T08:00:00\.000Z\n {4}.*\.zip\n {4}on .+, pid \d+/,
    );
    expect(exportkit(['runs', '--db', db, '--status', 'failed']).stdout).to.equal('no runs recorded\n');
    // A failed run is listed with its error and real times.
    const failing = join(dir, 'failing.yaml');
    writeFileSync(
      failing,
      'guid: failing-run\nprovider: consolidatedTracking\ncolumns: [candidateId]\npostProcess:\n  - failingStep: { message: "upload refused (test)" }\n',
    );
    expect(
      exportkit([
        'run',
        failing,
        '--db',
        db,
        '--data-dir',
        join(dir, 'failing'),
        '--plugin',
        resolve('test/dist/pipeline/support/cli-plugin.js'),
      ]).code,
    ).to.equal(1);
    const failedRuns = exportkit(['runs', '--db', db, '--status', 'failed']);
    expect(failedRuns.stdout).to.match(
      /^#\d+ failing-run failed — started \d{4}-\d\d-\d\dT[\d:.]+Z, [\d.]+ s, \d+ rows\n(.*\n)* {4}error: upload refused \(test\)\n/,
    );
    expect(exportkit(['runs', '--db', db, '--json']).stdout).to.contain('"status": "succeeded"');

    // --log-format json: one object per line on stderr, each line of the run with its runId.
    const logged = exportkit([
      'run',
      'configs/quickstart.yaml',
      '--db',
      db,
      '--data-dir',
      join(dir, 'logged'),
      '--log-format',
      'json',
    ]);
    expect(logged.code, logged.stderr).to.equal(0);
    const lines = logged.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const [latest] = JSON.parse(exportkit(['runs', '--db', db, '--json', '--limit', '1']).stdout) as Array<{
      id: number;
    }>;
    expect(lines.map((l) => l['msg'])).to.include.members(['run started', 'run succeeded']);
    for (const line of lines) expect(line).to.deep.include({ runId: latest!.id, export: 'quickstart' });
    expect(lines.find((l) => l['msg'] === 'run succeeded'))
      .to.have.property('rows')
      .that.is.a('number');

    // run --dry-run: validated with the database and PREPAREd, nothing written or recorded.
    const runsBefore = (JSON.parse(exportkit(['runs', '--db', db, '--json']).stdout) as unknown[]).length;
    const dry = exportkit(['run', 'configs/quickstart.yaml', '--dry-run', '--db', db, '--data-dir', join(dir, 'dry')]);
    expect(dry.code, dry.stderr).to.equal(0);
    expect(dry.stdout).to.equal(
      'quickstart: valid; its statement prepares (2 bindings; see exportkit sql); nothing written\n',
    );
    expect(() => readdirSync(join(dir, 'dry'))).to.throw();
    expect((JSON.parse(exportkit(['runs', '--db', db, '--json']).stdout) as unknown[]).length).to.equal(runsBefore);
    const typoTemplate = join(dir, 'typo.yaml');
    writeFileSync(typoTemplate, 'provider: consolidatedTracking\ncolumns: [candidateId, acmeLoginTypo]\n');
    const typo = exportkit([
      'run',
      typoTemplate,
      '--dry-run',
      '--db',
      db,
      '--plugin',
      resolve('test/fixtures/typo-plugin'),
    ]);
    expect(typo.code).to.equal(1);
    expect(typo.stderr).to.equal(
      'exportkit: export typo: column acmeLoginTypo (from @acme/exportkit-typo): column learner.logn does not exist\n',
    );
    // validate --db PREPAREs too, and names the column and its plugin, not the statement.
    const typoValidated = exportkit([
      'validate',
      typoTemplate,
      '--db',
      db,
      '--plugin',
      resolve('test/fixtures/typo-plugin'),
    ]);
    expect(typoValidated.code).to.equal(2);
    expect(typoValidated.stderr).to.contain(
      'acmeLoginTypo: column acmeLoginTypo (from @acme/exportkit-typo): column learner.logn does not exist',
    );
    expect(typoValidated.stderr).not.to.match(/select/i);

    // exportkit sql: the statement and its bindings without running it; --explain: its plan.
    const sql = exportkit(['sql', 'configs/quickstart.yaml']);
    expect(sql.code, sql.stderr).to.equal(0);
    expect(sql.stdout).to.match(
      /^-- export quickstart \(guid quickstart\)\nselect .* from "registrations" as "registration" .*;\n-- bindings:\n-- {3}\$1 = "Europe\/Paris"\n/s,
    );
    const explained = exportkit(['sql', 'configs/quickstart.yaml', '--explain', '--db', db]);
    expect(explained.code, explained.stderr).to.equal(0);
    expect(explained.stdout).to.match(/-- plan:\n-- {3}\S/);

    const bad = join(dir, 'bad-run.yaml');
    writeFileSync(bad, 'provider: consolidatedTracking\ncolumns: [candidateId, nbLOO]\n');
    const failed = exportkit(['run', bad, '--db', db, '--data-dir', join(dir, 'data2')]);
    expect(failed.code).to.equal(2);
    expect(failed.stderr).to.contain(`${bad}:2`);
    expect(() => readdirSync(join(dir, 'data2', 'exports'))).to.throw();
  });
});
