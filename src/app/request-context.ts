import { GraphQLError } from 'graphql';
import type { Principal } from '../modules/access/index.js';
import { AccessDenied } from '../modules/access/index.js';
import { LoaderCache, type Actor, type RequestContext, type TenantRef } from '../shared/request-context.js';
import { SYSTEM_TENANT_SLUG } from '../modules/tenant/index.js';
import type { Container } from './container.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../shared/logger.js';

export const TENANT_HEADER = 'signet-tenant';

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401, headers: new Map([['www-authenticate', 'Bearer realm="signet"']]) } },
  });
}

/**
 * RFC 6750 §2.1 `Bearer <token>` (scheme case-insensitive). No regex over the whole header on the
 * hot path: the token's form is checked where it matters, by signature verification.
 */
export function bearerFrom(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length < 8 || value.length > 8192) return undefined;
  if (value.charCodeAt(6) !== 32 || value.slice(0, 6).toLowerCase() !== 'bearer') return undefined;
  const token = value.slice(7).trim();
  return token && !token.includes(' ') ? token : undefined;
}

/** Verifies the bearer token, or throws UNAUTHENTICATED. */
export async function authenticate(c: Container, authorization: unknown): Promise<Principal> {
  const token = bearerFrom(authorization);
  if (!token) throw unauthenticated(authorization ? 'authorization header must be "Bearer <access token>"' : 'a bearer access token for the management API is required');
  try {
    return await c.verifier.verify(token);
  } catch (err) {
    if (err instanceof AccessDenied) throw unauthenticated(`invalid access token: ${err.message}`);
    throw err;
  }
}

/**
 * One unit of work for one GraphQL operation: the acting tenant (the token's, or the one named by
 * Signet-Tenant for a platform operator), a fresh EntityManager fork with the tenant filter set,
 * and a fresh loader cache.
 */
export async function createRequestContext(c: Container, principal: Principal, tenantHeader: unknown, requestId: string): Promise<RequestContext> {
  let tenant: TenantRef = {
    id: principal.tenantId, slug: principal.tenantSlug, name: '', isSystem: principal.tenantSlug === SYSTEM_TENANT_SLUG,
  };
  const home = await c.issuers.findBySlug(principal.tenantSlug);
  if (!home) throw unauthenticated('invalid access token: its tenant no longer exists');
  tenant.name = home.name;
  if (typeof tenantHeader === 'string' && tenantHeader !== '' && tenantHeader !== principal.tenantSlug) {
    const isOperator = principal.tenantId === c.system.systemTenantId && principal.scopes.has('platform:admin');
    if (!isOperator) {
      throw new GraphQLError('only platform operators (system tenant, scope "platform:admin") may act in another tenant', { extensions: { code: 'FORBIDDEN' } });
    }
    const target = await c.issuers.findBySlug(tenantHeader);
    if (!target) throw new GraphQLError(`Signet-Tenant names no tenant ("${tenantHeader.slice(0, 63)}")`, { extensions: { code: 'BAD_USER_INPUT' } });
    tenant = { id: target.tenantId, slug: target.slug, name: target.name, isSystem: target.slug === SYSTEM_TENANT_SLUG };
  }
  return new OperationContext(c, requestId, tenant, principal);
}

/**
 * The context of one operation. The unit of work and the request logger are created on first
 * use, through getters on the prototype: Apollo shallow-copies the context object per operation
 * (own properties only), so own-property getters would be triggered by the copy and every request
 * would fork an EntityManager it never uses.
 */
class OperationContext implements RequestContext {
  readonly actor: RequestContext['actor'];
  readonly scopes: ReadonlySet<string>;
  readonly credential: RequestContext['credential'];
  readonly loaders = new LoaderCache();
  readonly services: RequestContext['services'];
  private lazyEm: EntityManager | undefined = undefined;
  private lazyLog: Logger | undefined = undefined;

  constructor(private readonly c: Container, readonly requestId: string, readonly tenant: TenantRef, principal: Principal) {
    // client_credentials tokens have sub = client_id; any other subject is a user acting through a client.
    this.actor = { kind: principal.subject === principal.clientId ? 'client' : 'user', id: principal.subject, clientId: principal.clientId, tenantId: principal.tenantId };
    this.scopes = principal.scopes;
    this.credential = { homeTenantId: principal.tenantId, expiresAt: principal.expiresAt };
    this.services = c.services;
  }

  get em(): EntityManager {
    if (!this.lazyEm) {
      this.lazyEm = this.c.orm.em.fork({ clear: true }) as EntityManager;
      this.lazyEm.setFilterParams('tenant', { tenantId: this.tenant.id });
    }
    return this.lazyEm;
  }

  get log(): Logger {
    this.lazyLog ??= this.c.log.child({ requestId: this.requestId });
    return this.lazyLog;
  }
}

/**
 * The services' context for an end user acting on their own account (portal, recovery): no
 * management scopes, the user as actor, a fresh unit of work of their tenant.
 */
export function endUserContext(c: Container, input: { requestId: string; tenant: { id: string; slug: string; name: string; isSystem: boolean }; actor: Actor; em: EntityManager }): RequestContext {
  return {
    requestId: input.requestId, tenant: input.tenant, actor: input.actor, scopes: new Set<string>(),
    credential: { homeTenantId: input.tenant.id, expiresAt: 0 }, em: input.em, loaders: new LoaderCache(), services: c.services, log: c.log,
  };
}
