import type { Knex } from 'knex';
import type { Column, ColumnUse } from '../contributions/column.js';
import type { QueryScope } from '../contributions/query-scope.js';
import { AGGREGATES_PLACEHOLDER, isSharedAggregates } from '../contributions/relation.js';
import type { ProviderEntry } from '../registry/registry.js';
import { joinSql, rawSql, sql, type SqlFragment } from './sql-fragment.js';
import { canonicalSelect } from './type-normalisation.js';
import { ExportkitError } from '../errors/exportkit-error.js';

export interface ComposeRequest {
  provider: ProviderEntry;
  columns: ReadonlyArray<{ column: Column; use: ColumnUse }>;
  /** Resolved parameter values by canonical name (defaults included). */
  parameters: ReadonlyMap<string, unknown>;
  timeZone: string;
  now: Date;
  exportGuid?: string;
  /**
   * Each column's select from its raw expression, instead of the canonical text (the COPY path
   * formats in SQL); `undefined` leaves the column without a slot, like a column without SQL.
   */
  cell?: (column: Column, use: ColumnUse, expression: SqlFragment) => SqlFragment | undefined;
}

export interface ComposedQuery {
  /** One statement with `?` placeholders. */
  sql: string;
  bindings: unknown[];
  /** Relation aliases in join order (for tests and `explain`). */
  joins: string[];
  /** For each column of the request, the index of its value in a fetched row, or undefined (computed). */
  slots: Array<number | undefined>;
  /** The same statement with `$n` placeholders (PostgreSQL's own numbering) and its bindings. */
  native: { sql: string; bindings: unknown[] };
}

interface JoinedRelation {
  name: string;
  alias: string;
  clause: SqlFragment;
  /** A host's aggregates, asked for by its members (output name → expression and member). */
  aggregates: Map<string, { expression: SqlFragment; member: string }>;
}

/** The name of the CTE holding the ids of the base rows that the filters keep. */
export const KEPT_ROWS_CTE = 'kept';

/**
 * Thrown through a filter's `where()` when, while it defines the kept rows, it reaches a relation
 * that is itself restricted to the kept rows: that filter is applied to the outer query instead.
 */
class BuildsOnKeptRows extends Error {}

/**
 * Builds the provider's one query: collect what the columns and filters ask for (relations
 * through `scope.use`, which renders each needed relation once, its dependencies first), then
 * emit the clauses in a fixed order. Values only ever travel as bindings.
 *
 * Filter first: aggregates per base row (relations calling `scope.keptRows`) would otherwise
 * aggregate every row of the base table before the WHERE keeps a few. So the filters that declare
 * `narrows` are first rendered on their own, as the `kept` CTE (`SELECT id FROM <base> <their
 * joins> WHERE …`), and such relations restrict their sub-queries to it; the outer query joins
 * `kept` first, then applies the other filters (those that keep most rows, and those that build on
 * a restricted relation, e.g. a status computed from an aggregate, which cannot define `kept`).
 * When no relation asks for the kept rows, or no narrowing filter applies, the query is the plain
 * one (every filter in the outer WHERE, in order, no CTE).
 */
export function composeQuery(knex: Knex, request: ComposeRequest): ComposedQuery {
  return compose(knex, request, true) ?? compose(knex, request, false)!;
}

/** The query with the kept CTE (`filterFirst`), or undefined when nothing would read it; else the plain query. */
function compose(knex: Knex, request: ComposeRequest, filterFirst: boolean): ComposedQuery | undefined {
  const { provider, parameters } = request;
  const { baseTable, baseAlias, orderBy, name: providerName } = provider.provider.metadata;

  function param<T>(name: string): T {
    if (!parameters.has(name) && !provider.parameters.has(name)) {
      throw new Error(`${providerName} has no parameter ${name}`);
    }
    return parameters.get(name) as T;
  }

  /** One set of joins (of the outer query, or of the kept CTE) and the scope that fills it. */
  function joinSet(keptRows: (key: string) => SqlFragment) {
    const joined = new Map<string, JoinedRelation>();
    const order: JoinedRelation[] = [];
    const rendering = new Set<string>();
    const argumentedUses = new Map<string, number>();
    const scope: QueryScope = {
      now: request.now,
      exportGuid: request.exportGuid,
      param,
      keptRows,
      use(name, args = {}) {
        if (name === baseAlias) return baseAlias;
        const relation = provider.relations.get(name);
        if (!relation) throw new ExportkitError(`${providerName} has no relation "${name}"`);
        const key = relationKey(name, args);
        const done = joined.get(key);
        if (done) return done.alias;
        if (rendering.has(key))
          throw new ExportkitError(`relations of ${providerName} depend on each other in a cycle through ${name}`);
        rendering.add(key);
        // A relation with arguments can be joined several times (one custom field per GUID).
        const uses = (argumentedUses.get(name) ?? 0) + (Object.keys(args).length ? 1 : 0);
        argumentedUses.set(name, uses);
        const alias = Object.keys(args).length === 0 ? name : `${name}_${uses}`;
        try {
          const rendered = relation.join(alias, args, scope); // renders (and so orders) its dependencies first
          if (isSharedAggregates(rendered)) {
            // Computed by its host, in the host's one pass: joined once, whoever asks first.
            scope.use(rendered.partOf);
            const host = joined.get(relationKey(rendered.partOf, {}))!;
            for (const [output, expression] of Object.entries(rendered.aggregates)) {
              const other = host.aggregates.get(output);
              if (other && other.member !== name && other.expression.sql !== expression.sql) {
                throw new ExportkitError(
                  `relations ${other.member} and ${name} of ${providerName} both compute "${output}" in ${rendered.partOf}, differently`,
                );
              }
              host.aggregates.set(output, { expression, member: name });
            }
            joined.set(key, host);
            return host.alias;
          }
          const entry: JoinedRelation = { name, alias, clause: rendered, aggregates: new Map() };
          joined.set(key, entry);
          order.push(entry);
          return alias;
        } finally {
          rendering.delete(key);
        }
      },
    };
    /** Forgets the joins made after `mark` (a filter that turned out to build on the kept rows). */
    const rollback = (mark: number) => {
      const dropped = new Set(order.splice(mark));
      for (const [key, entry] of joined) if (dropped.has(entry)) joined.delete(key);
    };
    return { scope, order, rollback };
  }

  const filters = [...provider.parameters.values()].filter((p) => p.metadata.kind === 'filter' && p.where);

  // The kept rows: the filters that declare they narrow the rows, unless they build on a relation
  // restricted to the kept rows. The other filters stay in the outer WHERE.
  const kept = joinSet(() => {
    throw new BuildsOnKeptRows();
  });
  const keptConditions: SqlFragment[] = [];
  const outerFilters = new Set(filters);
  for (const parameter of filterFirst ? filters : []) {
    if (!parameter.metadata.narrows) continue;
    const mark = kept.order.length;
    try {
      const condition = parameter.where!(parameters.get(parameter.metadata.name), kept.scope);
      outerFilters.delete(parameter);
      if (condition) keptConditions.push(condition);
    } catch (error) {
      if (!(error instanceof BuildsOnKeptRows)) throw error;
      kept.rollback(mark);
    }
  }

  let keptAsked = false;
  const outer = joinSet((key) => {
    if (keptConditions.length === 0) return rawSql('TRUE');
    keptAsked = true;
    return rawSql(`${key} IN (SELECT id FROM ${KEPT_ROWS_CTE})`);
  });
  const scope = outer.scope;

  const selects: SqlFragment[] = [];
  const slots: Array<number | undefined> = [];
  for (const { column, use } of request.columns) {
    const expression = column.select(use, scope);
    const selected =
      expression === undefined
        ? undefined
        : request.cell
          ? request.cell(column, use, expression)
          : canonicalSelect(column.metadata.type, expression, request.timeZone);
    if (selected === undefined) {
      slots.push(undefined);
      continue;
    }
    slots.push(selects.length);
    selects.push(selected);
  }

  const conditions: SqlFragment[] = [];
  for (const parameter of filters) {
    if (!outerFilters.has(parameter)) continue;
    const condition = parameter.where!(parameters.get(parameter.metadata.name), scope);
    if (condition) conditions.push(condition);
  }
  // Nothing reads the kept rows: the plain query, every filter in the outer WHERE, in order.
  const keptPath = keptConditions.length > 0 && keptAsked;
  if (filterFirst && !keptPath) return undefined;

  let builder = knex.queryBuilder();
  if (keptPath) {
    const where = conjunction(keptConditions);
    const keptSql = joinSql(
      [
        rawSql(`SELECT ${baseAlias}.id FROM ${baseTable} AS ${baseAlias}`),
        ...kept.order.map(joinClause),
        sql`WHERE ${where}`,
      ],
      '\n',
    );
    builder = builder.with(KEPT_ROWS_CTE, knex.raw(keptSql.sql, keptSql.bindings as Knex.RawBinding[]));
  }
  builder = builder.from({ [baseAlias]: baseTable });
  builder = selects.length
    ? builder.select(selects.map((s, i) => knex.raw(`${s.sql} AS "c${i}"`, s.bindings as Knex.RawBinding[])))
    : builder.select(knex.raw(`${baseAlias}.${'id'} AS "c_id"`));
  // Joined first, so that the other joins only see the kept rows: a WHERE … IN (kept) came after
  // them in the plans (beyond join_collapse_limit the planner keeps the written join order).
  if (keptPath) builder = builder.joinRaw(`JOIN ${KEPT_ROWS_CTE} ON ${KEPT_ROWS_CTE}.id = ${baseAlias}.id`);
  for (const join of outer.order) {
    const clause = joinClause(join);
    builder = builder.joinRaw(clause.sql, clause.bindings as never);
  }
  if (conditions.length) {
    const where = conjunction(conditions);
    builder = builder.whereRaw(where.sql, where.bindings as never);
  }
  builder = builder.orderByRaw(orderBy);
  const compiled = builder.toSQL();
  const native = compiled.toNative();
  return {
    sql: compiled.sql,
    bindings: [...compiled.bindings],
    joins: outer.order.map((j) => j.alias),
    slots,
    native: { sql: native.sql, bindings: [...native.bindings] },
  };
}

/** A relation's join clause; a host's with the aggregates its members asked for in its select list. */
function joinClause(relation: JoinedRelation): SqlFragment {
  const { clause, aggregates, name } = relation;
  const at = clause.sql.indexOf(AGGREGATES_PLACEHOLDER);
  if (at < 0) {
    if (aggregates.size > 0)
      throw new ExportkitError(`relation ${name} has members (partOf) but no ${AGGREGATES_PLACEHOLDER} in its join`);
    return clause;
  }
  if (aggregates.size === 0) {
    throw new ExportkitError(
      `relation ${name} computes the aggregates of its members (partOf): use one of them, not ${name} itself`,
    );
  }
  const list = [...aggregates].map(([output, { expression }]) => {
    if (!/^[a-z_][a-z0-9_]*$/.test(output))
      throw new ExportkitError(`aggregate "${output}" of ${name}: an output name is lower case letters, digits and _`);
    return { sql: `${expression.sql} AS ${output}`, bindings: expression.bindings };
  });
  // The bindings before the placeholder stay first: count the placeholders of the text before it.
  const before = clause.sql.slice(0, at);
  const bindingsBefore = (before.match(/\?/g) ?? []).length;
  const selected = joinSql(list, ',\n         ');
  return {
    sql: before + selected.sql + clause.sql.slice(at + AGGREGATES_PLACEHOLDER.length),
    bindings: [
      ...clause.bindings.slice(0, bindingsBefore),
      ...selected.bindings,
      ...clause.bindings.slice(bindingsBefore),
    ],
  };
}

function conjunction(conditions: readonly SqlFragment[]): SqlFragment {
  return joinSql(
    conditions.map((c) => ({ sql: `(${c.sql})`, bindings: c.bindings })),
    ' AND ',
  );
}

function relationKey(name: string, args: Readonly<Record<string, string>>): string {
  const keys = Object.keys(args).sort();
  return keys.length ? `${name}(${keys.map((k) => `${k}=${args[k]}`).join(',')})` : name;
}
