import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/*
 * What installing a package brings, read from npm's own dependency tree of the workspace
 * (`npm ls --all --omit dev`, the production dependencies and theirs, as an install resolves
 * them): the engine alone brings no embedded database and no data generator; the
 * batteries-included package does bring PGlite (so the check can tell).
 */
interface Tree {
  dependencies?: Record<string, Tree>;
}

async function installedNames(workspace: string): Promise<Set<string>> {
  const { stdout } = await promisify(execFile)(
    'npm',
    ['ls', '--all', '--json', '--omit', 'dev', '--workspace', workspace],
    {
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const names = new Set<string>();
  const walk = (tree: Tree) => {
    for (const [name, child] of Object.entries(tree.dependencies ?? {})) {
      names.add(name);
      walk(child);
    }
  };
  walk((JSON.parse(stdout) as Tree).dependencies?.[workspace] ?? {});
  return names;
}

describe('packaging: what each package pulls in', function () {
  this.timeout(120_000);

  it('@exportkit/core alone pulls neither PGlite nor faker (nor any other exportkit package)', async () => {
    const names = await installedNames('@exportkit/core');
    expect(names.has('knex'), 'the tree was read').to.equal(true);
    expect(names.has('@electric-sql/pglite')).to.equal(false);
    expect(names.has('knex-pglite')).to.equal(false);
    expect(names.has('@faker-js/faker')).to.equal(false);
    expect([...names].filter((n) => n.startsWith('@exportkit/'))).to.deep.equal([]);
  });

  it('the plugins and the database connections pull no PGlite either (an optional peer of @exportkit/db)', async () => {
    for (const workspace of ['@exportkit/writers', '@exportkit/plugin-consolidated-tracking', '@exportkit/db']) {
      const names = await installedNames(workspace);
      expect(names.has('@electric-sql/pglite'), workspace).to.equal(false);
      expect(names.has('@faker-js/faker'), workspace).to.equal(false);
    }
  });

  it('the exportkit package brings the embedded database, and faker through @exportkit/synthetic-data (for db seed)', async () => {
    const batteries = await installedNames('exportkit');
    expect(batteries.has('@electric-sql/pglite')).to.equal(true);
    expect(batteries.has('@exportkit/core')).to.equal(true);
    expect(batteries.has('@exportkit/synthetic-data')).to.equal(true);
    expect((await installedNames('@exportkit/synthetic-data')).has('@faker-js/faker')).to.equal(true);
  });
});
