import type { Knex } from 'knex';
import type { Column, ColumnUse } from '../contributions/column.js';
import type { QueryScope } from '../contributions/query-scope.js';
import type { ProviderEntry } from '../registry/registry.js';
import { joinSql, type SqlFragment } from './sql-fragment.js';
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
  alias: string;
  clause: SqlFragment;
}

/**
 * Builds the provider's one query: collect what the columns and filters ask for (relations
 * through `scope.use`, which renders each needed relation once, its dependencies first), then
 * emit the clauses in a fixed order. Values only ever travel as bindings.
 */
export function composeQuery(knex: Knex, request: ComposeRequest): ComposedQuery {
  const { provider, parameters } = request;
  const { baseTable, baseAlias, orderBy, name: providerName } = provider.provider.metadata;
  const joined = new Map<string, JoinedRelation>();
  const order: JoinedRelation[] = [];
  const rendering = new Set<string>();
  const argumentedUses = new Map<string, number>();

  const scope: QueryScope = {
    now: request.now,
    exportGuid: request.exportGuid,
    param<T>(name: string): T {
      if (!parameters.has(name) && !provider.parameters.has(name)) {
        throw new Error(`${providerName} has no parameter ${name}`);
      }
      return parameters.get(name) as T;
    },
    use(name, args = {}) {
      if (name === baseAlias) return baseAlias;
      const relation = provider.relations.get(name);
      if (!relation) throw new ExportkitError(`${providerName} has no relation "${name}"`);
      const key = relationKey(name, args);
      const done = joined.get(key);
      if (done) return done.alias;
      if (rendering.has(key)) throw new ExportkitError(`relations of ${providerName} depend on each other in a cycle through ${name}`);
      rendering.add(key);
      // A relation with arguments can be joined several times (one custom field per GUID).
      const uses = (argumentedUses.get(name) ?? 0) + (Object.keys(args).length ? 1 : 0);
      argumentedUses.set(name, uses);
      const alias = Object.keys(args).length === 0 ? name : `${name}_${uses}`;
      const clause = relation.join(alias, args, scope); // renders (and so orders) its dependencies first
      rendering.delete(key);
      const entry = { alias, clause };
      joined.set(key, entry);
      order.push(entry);
      return alias;
    },
  };

  const selects: SqlFragment[] = [];
  const slots: Array<number | undefined> = [];
  for (const { column, use } of request.columns) {
    const expression = column.select(use, scope);
    const selected =
      expression === undefined ? undefined : request.cell ? request.cell(column, use, expression) : canonicalSelect(column.metadata.type, expression, request.timeZone);
    if (selected === undefined) {
      slots.push(undefined);
      continue;
    }
    slots.push(selects.length);
    selects.push(selected);
  }

  const conditions: SqlFragment[] = [];
  for (const parameter of provider.parameters.values()) {
    if (parameter.metadata.kind !== 'filter' || !parameter.where) continue;
    const condition = parameter.where(parameters.get(parameter.metadata.name), scope);
    if (condition) conditions.push(condition);
  }

  let builder = knex.queryBuilder().from({ [baseAlias]: baseTable });
  builder = selects.length
    ? builder.select(selects.map((s, i) => knex.raw(`${s.sql} AS "c${i}"`, s.bindings as Knex.RawBinding[])))
    : builder.select(knex.raw(`${baseAlias}.${'id'} AS "c_id"`));
  for (const join of order) builder = builder.joinRaw(join.clause.sql, join.clause.bindings as never);
  if (conditions.length) {
    const where = joinSql(conditions.map((c) => ({ sql: `(${c.sql})`, bindings: c.bindings })), ' AND ');
    builder = builder.whereRaw(where.sql, where.bindings as never);
  }
  builder = builder.orderByRaw(orderBy);
  const compiled = builder.toSQL();
  const native = compiled.toNative();
  return {
    sql: compiled.sql,
    bindings: [...compiled.bindings],
    joins: order.map((j) => j.alias),
    slots,
    native: { sql: native.sql, bindings: [...native.bindings] },
  };
}

function relationKey(name: string, args: Readonly<Record<string, string>>): string {
  const keys = Object.keys(args).sort();
  return keys.length ? `${name}(${keys.map((k) => `${k}=${args[k]}`).join(',')})` : name;
}
