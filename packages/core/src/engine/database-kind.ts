import type { Knex } from 'knex';

/**
 * True when `knex` talks to a PostgreSQL server through node-postgres (not PGlite, whose knex
 * client is a class): what decides cross-process locks, heartbeats and the COPY path. One
 * definition, so that a host whose knex says `postgres` or `postgresql` gets them all.
 */
export function isPostgresServer(knex: Knex): boolean {
  const client = (knex.client as { config?: { client?: unknown } }).config?.client;
  return client === 'pg' || client === 'postgres' || client === 'postgresql';
}
