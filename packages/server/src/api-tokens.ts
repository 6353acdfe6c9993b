import type { Knex } from 'knex';
import { createHash, randomBytes } from 'node:crypto';
import { ExportkitError } from '@exportkit/core';
import { API_TOKENS, migrateServerTables, TOKEN_SCOPES, type TokenScope } from './server-tables.js';

export { TOKEN_SCOPES, API_TOKENS, type TokenScope } from './server-tables.js';

/** A token name taken already, or a scope that does not exist. */
export class TokenError extends ExportkitError {
  override readonly exitCode = 2;
}

/**
 * Bearer tokens of the HTTP API: a token is shown once, when it is created; the database keeps its
 * SHA-256 only (a token is 32 random bytes, so a plain hash is enough: nothing to guess).
 */
export class ApiTokens {
  private migrated: Promise<unknown> | undefined;

  constructor(private readonly knex: Knex) {}

  private ready(): Promise<unknown> {
    this.migrated ??= migrateServerTables(this.knex);
    this.migrated.catch(() => (this.migrated = undefined));
    return this.migrated;
  }

  async create(name: string, scope: TokenScope): Promise<string> {
    if (!TOKEN_SCOPES.includes(scope))
      throw new TokenError(`token scope "${scope}": one of ${TOKEN_SCOPES.join(', ')}`);
    await this.ready();
    const token = `ek_${randomBytes(32).toString('base64url')}`;
    try {
      await this.knex(API_TOKENS).insert({ name, scope, sha256: hashOf(token) });
    } catch (error) {
      if ((error as { code?: string }).code === '23505')
        throw new TokenError(`a token named "${name}" exists already; choose another name`);
      throw error;
    }
    return token;
  }

  /** The scope of a token, or undefined for an unknown one. */
  async scopeOf(token: string): Promise<TokenScope | undefined> {
    return (await this.identify(token))?.scope;
  }

  /** A token's name and scope, or undefined for an unknown one. */
  async identify(token: string): Promise<{ name: string; scope: TokenScope } | undefined> {
    await this.ready();
    return (await this.knex(API_TOKENS)
      .where({ sha256: hashOf(token) })
      .first('name', 'scope')) as { name: string; scope: TokenScope } | undefined;
  }

  async count(): Promise<number> {
    await this.ready();
    const [row] = (await this.knex(API_TOKENS).count({ n: '*' })) as Array<{ n: string | number }>;
    return Number(row?.n ?? 0);
  }
}

/** True when `scope` may do what `needed` allows. */
export function scopeAllows(scope: TokenScope, needed: TokenScope): boolean {
  return TOKEN_SCOPES.indexOf(scope) >= TOKEN_SCOPES.indexOf(needed);
}

function hashOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
