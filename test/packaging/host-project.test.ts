import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import knexFactory, { type Knex } from 'knex';
import { databaseUrl, postgresAvailable } from '../support/databases.js';

/*
 * The whole path a host takes, from outside the repository, with real npm and real packages:
 * every workspace package is packed (`npm pack --workspaces`), examples/acme-plugin is copied out,
 * installed against those tarballs, built with its own tsconfig and packed, and an empty host
 * project installs all the tarballs. Then, on a fresh PostgreSQL database (the reference schema
 * and 50 learners, through the installed `exportkit db` commands), the example's template runs
 * through `createEngine` with the host's own knex instance and through
 * `npx exportkit run --plugin @acme/exportkit-plugin`; both packages must hold the plugin's file
 * format with the filtered rows and its column's values, and its consolidator's file.
 *
 * Everything (npm's cache included, so a package that only works from a warm cache is caught)
 * lives in one temporary folder, removed at the end; the database is dropped.
 */

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, '../../..');
const EXAMPLE = join(ROOT, 'examples/acme-plugin');
const PLUGIN = '@acme/exportkit-plugin';

interface Output {
  stdout: string;
  stderr: string;
}

/**
 * The environment of every child: npm's settings from the `npm test` that started us removed (they
 * would point npm at the repository), the repository's node_modules/.bin off the PATH (so `npx
 * exportkit` can only be the host's), the database only where a command is given `--db`.
 */
function childEnvironment(work: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) || key === 'INIT_CWD' || key === 'DATABASE_URL' || key.startsWith('EXPORTKIT_')) continue;
    env[key] = value;
  }
  env.PATH = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((entry) => entry && !resolve(entry).startsWith(ROOT + sep))
    .join(delimiter);
  env.npm_config_cache = join(work, 'npm-cache');
  env.npm_config_audit = 'false';
  env.npm_config_fund = 'false';
  env.npm_config_update_notifier = 'false';
  return env;
}

describe('packaging: a host project installs the packed tarballs and the example plugin', function () {
  this.timeout(600_000);

  let work = '';
  let env: NodeJS.ProcessEnv = {};
  let host = '';
  let packages: string[] = [];
  let pluginFiles: string[] = [];

  /** Runs a command; when it fails, the error says which, where, and what it printed. */
  async function sh(command: string, args: string[], cwd: string): Promise<Output> {
    try {
      return await promisify(execFile)(command, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });
    } catch (error) {
      const failure = error as Error & Partial<Output> & { code?: unknown };
      throw new Error(
        `\`${command} ${args.join(' ')}\` in ${cwd} failed (exit ${String(failure.code)}):\n` +
          `${failure.stderr ?? ''}\n${failure.stdout ?? ''}`.trim(),
        { cause: error },
      );
    }
  }

  before(async function () {
    work = mkdtempSync(join(tmpdir(), 'exportkit-host-'));
    expect(relative(ROOT, work).startsWith('..'), `${work} is outside the repository`).to.equal(true);
    env = childEnvironment(work);

    // 1. Every workspace package as npm would publish it (built by `npm test`'s build).
    const tarballs = join(work, 'tarballs');
    mkdirSync(tarballs);
    await sh('npm', ['pack', '--workspaces', '--pack-destination', tarballs, '--silent'], ROOT);
    packages = readdirSync(tarballs)
      .filter((name) => name.endsWith('.tgz'))
      .map((name) => join(tarballs, name));

    // 2. The example, as its author would: installed against those packages, built with its own
    //    tsconfig, packed (prepack builds again; the tarball must carry dist/).
    const plugin = join(work, 'acme-plugin');
    cpSync(EXAMPLE, plugin, {
      recursive: true,
      filter: (source) => !/(^|[\\/])(node_modules|dist)([\\/]|$)/.test(relative(EXAMPLE, source)),
    });
    await sh('npm', ['install', '--save-dev', ...packages], plugin);
    await sh('npm', ['run', 'build'], plugin);
    const packed = JSON.parse(
      (await sh('npm', ['pack', '--json', '--pack-destination', work], plugin)).stdout,
    ) as Array<{
      filename: string;
      files: Array<{ path: string }>;
    }>;
    pluginFiles = packed[0]!.files.map((f) => f.path).sort();

    // 3. An empty host project installs the tarballs, the plugin's and its own knex and pg.
    host = join(work, 'host');
    mkdirSync(host);
    writeFileSync(
      join(host, 'package.json'),
      JSON.stringify({ name: 'acme-host', version: '1.0.0', private: true, type: 'module' }, null, 2),
    );
    // The versions @exportkit/core is built and tested with, so that the test does not change
    // when a new knex or pg is published; a host may pick its own.
    const core = JSON.parse(readFileSync(join(ROOT, 'packages/core/package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    await sh(
      'npm',
      [
        'install',
        ...packages,
        join(work, packed[0]!.filename),
        `knex@${core.dependencies['knex']}`,
        `pg@${core.dependencies['pg']}`,
      ],
      host,
    );
  });

  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('packs every workspace package', () => {
    const names = packages.map((p) => p.slice(p.lastIndexOf(sep) + 1).replace(/-\d+\.\d+\.\d+\.tgz$/, ''));
    expect(names.sort()).to.deep.equal([
      'exportkit',
      'exportkit-core',
      'exportkit-db',
      'exportkit-delivery',
      'exportkit-plugin-consolidated-tracking',
      'exportkit-server',
      'exportkit-synthetic-data',
      'exportkit-writers',
    ]);
  });

  it("the example's tarball holds its build (from its own tsconfig), its declarations and its template, not its sources", () => {
    expect(pluginFiles).to.include.members([
      'dist/index.js',
      'dist/index.d.ts',
      'package.json',
      'README.md',
      'templates/acme-weekly.yaml',
    ]);
    expect(pluginFiles.filter((path) => path.startsWith('src/'))).to.deep.equal([]);
  });

  it('the host holds one @exportkit/core, shared by the plugin (a peer dependency)', () => {
    expect(existsSync(join(host, 'node_modules/@exportkit/core/dist/index.js'))).to.equal(true);
    for (const dependent of [PLUGIN, 'exportkit', '@exportkit/writers', '@exportkit/plugin-consolidated-tracking']) {
      expect(existsSync(join(host, 'node_modules', dependent, 'node_modules/@exportkit/core')), dependent).to.equal(
        false,
      );
    }
  });

  it("every installed exportkit package's source maps find their sources (the maps name ../src, which must ship)", () => {
    const missing: string[] = [];
    const names = ['exportkit', ...readdirSync(join(host, 'node_modules/@exportkit')).map((n) => `@exportkit/${n}`)];
    for (const name of names) {
      const dist = join(host, 'node_modules', name, 'dist');
      for (const entry of readdirSync(dist, { recursive: true, encoding: 'utf8' })) {
        if (!entry.endsWith('.map')) continue;
        const map = JSON.parse(readFileSync(join(dist, entry), 'utf8')) as { sources: string[] };
        for (const source of map.sources) {
          const path = resolve(dirname(join(dist, entry)), source);
          if (!existsSync(path)) missing.push(relative(host, path));
        }
      }
    }
    expect(names, 'every packed package is installed').to.have.length(packages.length);
    expect(missing.slice(0, 5), `${missing.length} sources named by the maps are missing`).to.deep.equal([]);
  });

  it("`npx exportkit columns --plugin` lists the example's column and filter parameter", async () => {
    const { stdout } = await sh('npx', ['exportkit', 'columns', '--json', '--plugin', PLUGIN], host);
    const providers = JSON.parse(stdout) as Array<{
      name: string;
      columns: Array<{ name: string; type: string }>;
      parameters: Array<{ name: string; kind: string }>;
    }>;
    const tracking = providers.find((p) => p.name === 'consolidatedTracking')!;
    expect(tracking.columns.find((c) => c.name === 'acmeTrackingCount')).to.include({ type: 'int' });
    expect(tracking.parameters.find((p) => p.name === 'acmeLoginPrefix')).to.include({ kind: 'filter' });
  });

  it("`npx exportkit validate --plugin` accepts the example's template (its format, options and step)", async () => {
    const template = join(host, 'node_modules', PLUGIN, 'templates/acme-weekly.yaml');
    await sh('npx', ['exportkit', 'validate', template, '--plugin', PLUGIN], host);
    const refused = join(host, 'refused.yaml');
    writeFileSync(refused, readFileSync(template, 'utf8').replace('pipesSeparator: bang', 'pipesSeparator: colon'));
    const failure = await sh('npx', ['exportkit', 'validate', refused, '--plugin', PLUGIN], host).then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(failure, 'a value the plugin does not allow is refused').to.contain(
      '"colon" is not allowed; allowed: pipe, bang',
    );
  });

  const onPostgres = postgresAvailable ? describe : describe.skip;
  onPostgres(
    `on a fresh PostgreSQL database${postgresAvailable ? '' : ' — skipped: DATABASE_URL is not set'}`,
    function () {
      let admin: Knex | undefined;
      let database: Knex | undefined;
      let url = '';
      const name = `exportkit_host_${process.pid}_${randomBytes(4).toString('hex')}`;
      let prefix = '';
      let expected: Array<{ login: string; guid: string; trackings: number }> = [];

      before(async function () {
        admin = knexFactory({ client: 'pg', connection: databaseUrl, pool: { min: 0, max: 1 } });
        await admin.raw(`CREATE DATABASE "${name}"`);
        const target = new URL(databaseUrl!);
        target.pathname = `/${name}`;
        url = target.toString();
        // The installed command creates the reference schema and seeds it, as the README says.
        await sh('npx', ['exportkit', 'db', 'migrate', '--db', url], host);
        await sh('npx', ['exportkit', 'db', 'seed', '--learners', '50', '--db', url], host);

        // The filter's value: the commonest first letter of a login, so that it keeps some rows, not all.
        database = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
        const letters = (await database.raw(`
          SELECT left(l.login, 1) AS letter, count(*)::int AS n
          FROM registrations r JOIN learners l ON l.id = r.learner_id
          GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1`)) as { rows: Array<{ letter: string }> };
        prefix = letters.rows[0]!.letter;
        // What the plugin's file must hold, computed here from the tables directly.
        expected = (
          (await database.raw(
            `SELECT l.login, r.guid::text AS guid, count(t.id)::int AS trackings
             FROM registrations r JOIN learners l ON l.id = r.learner_id LEFT JOIN trackings t ON t.registration_id = r.id
             WHERE starts_with(l.login, ?) GROUP BY r.id, l.login, r.guid ORDER BY r.id`,
            [prefix],
          )) as { rows: typeof expected }
        ).rows;
        const all = (await database.raw('SELECT count(*)::int AS n FROM registrations')) as {
          rows: Array<{ n: number }>;
        };
        expect(expected.length, 'the filter keeps some registrations').to.be.greaterThan(0);
        expect(expected.length, 'the filter drops some registrations').to.be.lessThan(all.rows[0]!.n);
        expect(
          expected.some((r) => r.trackings > 0),
          'some kept registration has trackings',
        ).to.equal(true);

        const template = readFileSync(join(EXAMPLE, 'templates/acme-weekly.yaml'), 'utf8');
        expect(template).to.contain('acmeLoginPrefix: a\n');
        writeFileSync(
          join(host, 'acme-weekly.yaml'),
          template.replace('acmeLoginPrefix: a\n', `acmeLoginPrefix: '${prefix}'\n`),
        );
      });

      after(async () => {
        await database?.destroy();
        if (admin) {
          await admin.raw(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
          await admin.destroy();
        }
      });

      /** The zip's entries and the plugin's files in it, checked against the tables. */
      async function checkPackage(zip: string): Promise<void> {
        const unzip = async (...args: string[]) => (await sh('unzip', [...args, zip], host)).stdout;
        expect((await unzip('-Z1')).trim().split('\n').sort()).to.deep.equal([
          'acme.pipes.txt',
          'acme.stamp',
          'manifest.json',
        ]);
        const file = (await promisify(execFile)('unzip', ['-p', zip, 'acme.pipes.txt'], { env })).stdout;
        expect(file).to.equal(
          [
            'candidateLogin!registrationGuid!acmeTrackingCount',
            ...expected.map((r) => `${r.login}!${r.guid}!${r.trackings}`),
          ].join('\n') + '\n',
        );
        const stamp = (await promisify(execFile)('unzip', ['-p', zip, 'acme.stamp'], { env })).stdout;
        expect(stamp).to.equal(`checked rows=${expected.length}\n`);
      }

      it("(a) createEngine from 'exportkit' with the host's own knex instance runs the plugin's export", async () => {
        writeFileSync(
          join(host, 'run-export.mjs'),
          [
            "import knexFactory from 'knex';",
            "import { createEngine } from 'exportkit';",
            '',
            'const [template, dataDir, url] = process.argv.slice(2);',
            "const knex = knexFactory({ client: 'pg', connection: url });",
            `const engine = createEngine({ knex, dataDir, plugins: ['${PLUGIN}'] });`,
            'try {',
            '  const problems = await engine.validate(template);',
            "  if (problems.length) throw new Error(problems.map((p) => p.message).join('\\n'));",
            '  const result = await engine.run(template);',
            '  console.log(JSON.stringify(result.exports.map((e) => ({ name: e.name, rows: e.rows, files: e.files }))));',
            '} finally {',
            '  await engine.close();',
            '  await knex.destroy();',
            '}',
            '',
          ].join('\n'),
        );
        const { stdout } = await sh('node', ['run-export.mjs', join(host, 'acme-weekly.yaml'), 'data-api', url], host);
        const exports = JSON.parse(stdout) as Array<{ name: string; rows: number; files: string[] }>;
        expect(exports.map((e) => [e.name, e.rows])).to.deep.equal([['acme', expected.length]]);
        const zip = exports[0]!.files.find((f) => f.endsWith('.zip'));
        expect(zip, `a zip among ${exports[0]!.files.join(', ')}`).to.be.a('string');
        await checkPackage(resolve(host, zip!));
      });

      it('(b) `npx exportkit run --plugin @acme/exportkit-plugin` runs the same export', async () => {
        const out = join(host, 'out-cli');
        const { stdout } = await sh(
          'npx',
          [
            'exportkit',
            'run',
            'acme-weekly.yaml',
            '--plugin',
            PLUGIN,
            '--db',
            url,
            '--data-dir',
            'data-cli',
            '--out',
            out,
          ],
          host,
        );
        expect(stdout).to.contain(`acme: ${expected.length} rows`);
        const zips = readdirSync(out).filter((f) => f.endsWith('.zip'));
        expect(zips, `one zip in ${out}`).to.have.length(1);
        await checkPackage(join(out, zips[0]!));
      });
    },
  );
});
