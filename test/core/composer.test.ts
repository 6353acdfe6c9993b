import { expect } from 'chai';
import knexFactory from 'knex';
import { composeQuery, createContainer, Registry, type ColumnSpec } from '@exportkit/core';
import { demoPlugin } from '../support/test-provider.js';

const knex = knexFactory({ client: 'pg' });
const registry = Registry.fromContainer(createContainer([demoPlugin]));
const demo = registry.provider('demo')!;

function compose(names: Array<string | ColumnSpec>, parameters: Record<string, unknown> = {}) {
  const columns = names.map((n, index) => {
    const spec: ColumnSpec = typeof n === 'string' ? { name: n, attributes: {}, line: 1 } : n;
    return { column: demo.columns.get(spec.name)!, use: { spec, index, header: spec.name } };
  });
  return composeQuery(knex, {
    provider: demo,
    columns,
    parameters: new Map(Object.entries({ timeZone: 'UTC', ...parameters })),
    timeZone: 'Europe/Paris',
    now: new Date('2021-02-24T10:00:00Z'),
  });
}

describe('query composer', () => {
  after(() => knex.destroy());

  it('joins nothing for columns of the base table', () => {
    const q = compose(['itemId', 'itemLabel']);
    expect(q.joins).to.deep.equal([]);
    expect(q.sql).to.match(/from "demo_items" as "item"/i);
    expect(q.sql).to.match(/order by item\.id$/i);
    expect(q.sql).not.to.match(/join/i);
  });

  it('joins only the relations the columns need, each once, dependencies first', () => {
    const q = compose(['bossName', 'ownerName', 'itemId', 'bossName']);
    expect(q.joins).to.deep.equal(['owner', 'boss']);
    expect(q.sql.match(/JOIN demo_owners AS owner /g)).to.have.length(1);
    expect(q.sql.indexOf('AS owner ')).to.be.lessThan(q.sql.indexOf('AS boss '));
  });

  it('joins a parameterised relation once per distinct argument, with bindings', () => {
    const tag = (value: string): ColumnSpec => ({ name: 'tagValue', value, attributes: {}, line: 1 });
    const q = compose([tag('a'), tag('b'), tag('a')]);
    expect(q.joins).to.deep.equal(['owner', 'tagged_1', 'tagged_2']);
    expect(q.bindings).to.include.members(['a', 'b']);
    expect(q.sql).not.to.contain("'a'");
  });

  it('adds filter conditions with bound values and their relations', () => {
    const q = compose(['itemId'], { ownerNames: ["O'Brien", 'Smith'] });
    expect(q.joins).to.deep.equal(['owner']);
    expect(q.sql).to.match(/where \(owner\.name = ANY\(\?::text\[\]\)\)/i);
    expect(q.bindings).to.deep.include(["O'Brien", 'Smith']);
    expect(q.sql).not.to.contain('Brien');
  });

  it('normalises each column by type, datetimes in the time zone as a binding', () => {
    const q = compose(['itemId', 'itemAt', 'itemDay', 'itemScore']);
    expect(q.sql).to.contain('(item.id)::text AS "c0"');
    expect(q.sql).to.contain(`to_char((item.at) AT TIME ZONE ?, 'YYYY-MM-DD HH24:MI:SS') AS "c1"`);
    expect(q.sql).to.contain(`to_char(item.day, 'YYYY-MM-DD') AS "c2"`);
    expect(q.sql).to.contain('round((item.score)::numeric, 2)::text AS "c3"');
    expect(q.bindings).to.deep.equal(['Europe/Paris']);
    expect(q.slots).to.deep.equal([0, 1, 2, 3]);
  });
});
