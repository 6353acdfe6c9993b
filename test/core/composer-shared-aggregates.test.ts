import { expect } from 'chai';
import knexFactory from 'knex';
import {
  column,
  provider,
  relation,
  pluginModule,
  sql,
  rawSql,
  SqlColumn,
  SqlRelation,
  Contribution,
  AGGREGATES_PLACEHOLDER,
  composeQuery,
  createContainer,
  Registry,
  type ColumnSpec,
  type Relation,
  type RelationMetadata,
  type SharedAggregates,
  type SqlFragment,
} from '@exportkit/core';

/*
 * Relations whose aggregates share one pass (`partOf` a host relation): whatever members the
 * columns use, the host is joined once and computes exactly their aggregates.
 */

@provider({
  name: 'ledger',
  element: 'ledgerProvider',
  description: 'accounts',
  baseTable: 'accounts',
  baseAlias: 'account',
  orderBy: 'account.id',
})
class LedgerProvider extends Contribution<never> {}

/** The host: one GROUP BY over entries, with a binding on each side of the placeholder. */
@relation({ provider: 'ledger', name: 'entryTotals', description: 'per account, one pass over its entries' })
class EntryTotalsRelation extends Contribution<RelationMetadata> implements Relation {
  join(alias: string): SqlFragment {
    return sql`LEFT JOIN (SELECT e.account_id, ${'before'}::text AS marker, ${rawSql(AGGREGATES_PLACEHOLDER)}
  FROM entries e WHERE e.kind <> ${'after'} GROUP BY e.account_id) AS ${rawSql(alias)} ON ${rawSql(alias)}.account_id = account.id`;
  }
}

@relation({
  provider: 'ledger',
  name: 'entryCounts',
  description: 'entries',
  partOf: 'entryTotals',
  aggregates: { entries: 'count(*)' },
})
class EntryCountsRelation extends SqlRelation {}

@relation({
  provider: 'ledger',
  name: 'entrySums',
  description: 'amounts',
  partOf: 'entryTotals',
  aggregates: { amount: 'sum(e.amount)' },
})
class EntrySumsRelation extends SqlRelation {}

/** A member rendered in code, with a bound value. */
@relation({ provider: 'ledger', name: 'largeEntries', description: 'entries above a bound' })
class LargeEntriesRelation extends Contribution<RelationMetadata> implements Relation {
  join(): SharedAggregates {
    return { partOf: 'entryTotals', aggregates: { large: sql`count(*) FILTER (WHERE e.amount > ${1000})` } };
  }
}

/** Claims an output name another member computes differently. */
@relation({
  provider: 'ledger',
  name: 'otherCounts',
  description: 'a clash',
  partOf: 'entryTotals',
  aggregates: { entries: 'count(e.id)' },
})
class OtherCountsRelation extends SqlRelation {}

@column({
  provider: 'ledger',
  name: 'entries',
  type: 'int',
  description: 'entries',
  relations: ['entryCounts'],
  sql: 'coalesce(entryCounts.entries, 0)',
})
class EntriesColumn extends SqlColumn {}

@column({
  provider: 'ledger',
  name: 'average',
  type: 'float',
  description: 'mean amount',
  relations: ['entrySums', 'entryCounts'],
  sql: 'entrySums.amount / nullif(entryCounts.entries, 0)',
})
class AverageColumn extends SqlColumn {}

@column({
  provider: 'ledger',
  name: 'large',
  type: 'int',
  description: 'large entries',
  relations: ['largeEntries'],
  sql: 'largeEntries.large',
})
class LargeColumn extends SqlColumn {}

@column({
  provider: 'ledger',
  name: 'clash',
  type: 'int',
  description: 'a clash',
  relations: ['otherCounts'],
  sql: 'otherCounts.entries',
})
class ClashColumn extends SqlColumn {}

@column({
  provider: 'ledger',
  name: 'marker',
  type: 'string',
  description: 'the host alone',
  relations: ['entryTotals'],
  sql: 'entryTotals.marker',
})
class MarkerColumn extends SqlColumn {}

const registry = Registry.fromContainer(
  createContainer([
    pluginModule([
      LedgerProvider,
      EntryTotalsRelation,
      EntryCountsRelation,
      EntrySumsRelation,
      LargeEntriesRelation,
      OtherCountsRelation,
      EntriesColumn,
      AverageColumn,
      LargeColumn,
      ClashColumn,
      MarkerColumn,
    ]),
  ]),
);
const ledger = registry.provider('ledger')!;
const knex = knexFactory({ client: 'pg' });

function compose(names: string[]) {
  const columns = names.map((name, index) => {
    const spec: ColumnSpec = { name, attributes: {}, line: 1 };
    return { column: ledger.columns.get(name)!, use: { spec, index, header: name } };
  });
  return composeQuery(knex, {
    provider: ledger,
    columns,
    parameters: new Map(),
    timeZone: 'UTC',
    now: new Date('2021-02-24T10:00:00Z'),
  });
}

describe('query composer: aggregates sharing one pass', () => {
  after(() => knex.destroy());

  it('joins the host once, under its alias, with the aggregates of the members used', () => {
    const q = compose(['entries', 'average']);
    expect(q.joins).to.deep.equal(['entryTotals']);
    expect(q.sql.match(/FROM entries e/g)).to.have.length(1);
    expect(q.sql).to.include('count(*) AS entries,\n         sum(e.amount) AS amount');
    expect(q.sql, 'member names in column SQL become the host alias').to.include(
      'entryTotals.amount / nullif(entryTotals.entries, 0)',
    );
    expect(q.sql).not.to.match(/entrySums\.|entryCounts\./);
  });

  it('computes only the aggregates of the members a query uses', () => {
    const q = compose(['entries']);
    expect(q.sql).to.include('count(*) AS entries');
    expect(q.sql).not.to.include('sum(e.amount)');
  });

  it("keeps each binding in its place: the host's before and after the list, the member's inside it", () => {
    const q = compose(['large', 'entries']);
    expect(q.bindings).to.deep.equal(['before', 1000, 'after']);
    expect(q.native.sql).to.include(
      '$1::text AS marker, count(*) FILTER (WHERE e.amount > $2) AS large,\n         count(*) AS entries',
    );
    expect(q.native.sql).to.include('e.kind <> $3');
  });

  it('refuses two members computing one output name differently, and the host used alone', () => {
    expect(() => compose(['entries', 'clash'])).to.throw(
      /relations entryCounts and otherCounts of ledger both compute "entries" in entryTotals, differently/,
    );
    expect(() => compose(['marker'])).to.throw(
      /relation entryTotals computes the aggregates of its members \(partOf\): use one of them/,
    );
  });
});
