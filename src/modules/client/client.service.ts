import type { EntityManager } from '@mikro-orm/postgresql';
import { randomToken, uuid } from '../../crypto/random.js';
import { hashSecret, verifySecret } from '../../crypto/secrets.js';
import { Client, ClientSecret } from './client.entity.js';
import { validateApplicationClient, type ApplicationClientInput } from './client-registration.js';
import { notifyOutbox, recordEvent } from '../../events/outbox.js';
import type { RequestContext } from '../../shared/request-context.js';
import { assertThat } from '../../shared/domain-error.js';
import { ClientError, ClientErrorCode } from './client.errors.js';
import { keysetPage, type Page, type PageRequest } from '../../db/keyset.js';

export interface ManagementClientInput {
  tenantId: string;
  name: string;
  scopes: readonly string[];
  clientId?: string;
  /** Operator-chosen secret (hashed with scrypt); otherwise one is generated (SHA-256 suffices). */
  secret?: string;
}

export interface CreatedClient {
  client: Client;
  /** Shown once, to the creator; never stored in plaintext. */
  plaintextSecret: string;
}

export class ClientService {
  constructor(private readonly opts: { production: boolean; managementAudience?: string; invalidate?: (tenantId: string, clientId: string) => void } = { production: false }) {}

  /** Registers an OAuth application (RFC 7591 metadata, validated). Emits Client.Created. */
  async createApplication(ctx: RequestContext, input: ApplicationClientInput): Promise<{ client: Client; plaintextSecret: string | null }> {
    const v = validateApplicationClient(input, this.opts);
    const em = ctx.em.fork({ clear: false }) as EntityManager;
    const needsSecret = v.confidential && v.tokenEndpointAuthMethod !== 'private_key_jwt';
    const plaintextSecret = needsSecret ? randomToken(32) : null;
    const client = em.create(Client, {
      id: uuid(), tenant: ctx.tenant.id, clientId: `app_${randomToken(12)}`, name: v.name, kind: 'application',
      confidential: v.confidential, grantTypes: v.grantTypes, scopes: v.scopes, audiences: v.audiences,
      tokenEndpointAuthMethod: v.tokenEndpointAuthMethod, accessTokenTtl: v.accessTokenTtl, disabled: false,
      applicationType: v.applicationType, redirectUris: v.redirectUris, postLogoutRedirectUris: v.postLogoutRedirectUris, allowedCorsOrigins: v.allowedCorsOrigins,
      responseTypes: v.responseTypes, skipConsent: v.skipConsent, enforcePkce: v.enforcePkce, subjectType: v.subjectType,
      sectorIdentifier: v.sectorIdentifier, idTokenSignedResponseAlg: v.idTokenSignedResponseAlg, accessTokenFormat: v.accessTokenFormat,
      jwks: v.jwks, jwksUri: v.jwksUri, backchannelLogoutUri: v.backchannelLogoutUri, backchannelLogoutSessionRequired: true, refreshTokenTtl: v.refreshTokenTtl, refreshTokenIdleTtl: v.refreshTokenIdleTtl,
    });
    if (plaintextSecret) {
      em.create(ClientSecret, {
        id: uuid(), tenant: ctx.tenant.id, client: client.id, secretHash: await hashSecret(plaintextSecret, 'high-entropy'),
        hint: plaintextSecret.slice(-4), expiresAt: null,
      });
    }
    recordEvent(em, {
      tenantId: ctx.tenant.id, type: 'Client.Created', actor: ctx.actor, requestId: ctx.requestId,
      target: { type: 'Client', id: client.id }, payload: { clientId: client.clientId, name: v.name, grantTypes: v.grantTypes, redirectUris: v.redirectUris },
    });
    await em.flush();
    await notifyOutbox(em);
    return { client, plaintextSecret };
  }

  private async application(ctx: RequestContext, em: EntityManager, id: string): Promise<Client> {
    const c = await em.findOne(Client, { id, tenant: ctx.tenant.id });
    assertThat(c && c.kind === 'application', () => new ClientError(ClientErrorCode.NOT_FOUND, 'client not found', ['id']));
    return c;
  }

  /**
   * Changes an application's metadata; the result is validated as a whole (so e.g. removing the
   * last redirect URI of a code client is refused). Emits Client.Updated with before/after of the
   * changed fields (key material shown as key ids).
   */
  async updateApplication(ctx: RequestContext, id: string, input: Partial<ApplicationClientInput>): Promise<Client> {
    const em = ctx.em.fork({ clear: false }) as EntityManager;
    const c = await this.application(ctx, em, id);
    const current: ApplicationClientInput = {
      name: c.name, confidential: c.confidential, applicationType: c.applicationType as 'web' | 'native', redirectUris: c.redirectUris,
      postLogoutRedirectUris: c.postLogoutRedirectUris, allowedCorsOrigins: c.allowedCorsOrigins, grantTypes: c.grantTypes, scopes: c.scopes, audiences: c.audiences,
      tokenEndpointAuthMethod: c.tokenEndpointAuthMethod, jwks: (c.jwks as ApplicationClientInput['jwks']) ?? null, jwksUri: c.jwksUri ?? null, skipConsent: c.skipConsent,
      enforcePkce: c.enforcePkce, subjectType: c.subjectType as 'public' | 'pairwise', idTokenSignedResponseAlg: c.idTokenSignedResponseAlg,
      accessTokenFormat: c.accessTokenFormat as 'jwt' | 'opaque', backchannelLogoutUri: c.backchannelLogoutUri ?? null, accessTokenTtl: c.accessTokenTtl ?? null,
      refreshTokenTtl: c.refreshTokenTtl ?? null, refreshTokenIdleTtl: c.refreshTokenIdleTtl ?? null,
    };
    const merged = { ...current };
    for (const [k, v] of Object.entries(input)) if (v !== undefined && v !== null) (merged as Record<string, unknown>)[k] = v;
    if (input.confidential !== undefined && input.confidential !== null && input.confidential !== c.confidential) {
      throw new ClientError(ClientErrorCode.AUTH_METHOD_INVALID, 'a client cannot change between public and confidential; register a new one', ['input', 'confidential']);
    }
    const v = validateApplicationClient(merged, this.opts);
    const changes: Record<string, { before: unknown; after: unknown }> = {};
    const show = (k: string, x: unknown) => (k === 'jwks' ? ((x as { keys?: { kid?: string }[] } | null)?.keys ?? []).map((j) => j.kid ?? '?') : x);
    const next: Record<string, unknown> = {
      name: v.name, applicationType: v.applicationType, redirectUris: v.redirectUris, postLogoutRedirectUris: v.postLogoutRedirectUris, allowedCorsOrigins: v.allowedCorsOrigins,
      grantTypes: v.grantTypes, responseTypes: v.responseTypes, scopes: v.scopes, audiences: v.audiences, tokenEndpointAuthMethod: v.tokenEndpointAuthMethod,
      jwks: v.jwks, jwksUri: v.jwksUri, skipConsent: v.skipConsent, enforcePkce: v.enforcePkce, subjectType: v.subjectType, sectorIdentifier: v.sectorIdentifier,
      idTokenSignedResponseAlg: v.idTokenSignedResponseAlg, accessTokenFormat: v.accessTokenFormat, backchannelLogoutUri: v.backchannelLogoutUri,
      accessTokenTtl: v.accessTokenTtl, refreshTokenTtl: v.refreshTokenTtl, refreshTokenIdleTtl: v.refreshTokenIdleTtl,
    };
    for (const [k, after] of Object.entries(next)) {
      const before = (c as unknown as Record<string, unknown>)[k] ?? null;
      if (JSON.stringify(before) !== JSON.stringify(after ?? null)) {
        changes[k] = { before: show(k, before), after: show(k, after) };
        (c as unknown as Record<string, unknown>)[k] = after;
      }
    }
    if (Object.keys(changes).length) {
      recordEvent(em, { tenantId: ctx.tenant.id, type: 'Client.Updated', actor: ctx.actor, requestId: ctx.requestId, target: { type: 'Client', id: c.id }, payload: { clientId: c.clientId, changes } });
      await em.flush();
      await notifyOutbox(em);
      this.opts.invalidate?.(ctx.tenant.id, c.clientId);
    }
    return c;
  }

  /**
   * A new secret, shown once; the previous secrets keep working for `graceSeconds` (both are
   * accepted meanwhile), then expire. Emits Client.Secret.Rotated.
   */
  async rotateSecret(ctx: RequestContext, id: string, graceSeconds: number): Promise<{ client: Client; plaintextSecret: string; previousExpiresAt: Date }> {
    assertThat(Number.isInteger(graceSeconds) && graceSeconds >= 0 && graceSeconds <= 30 * 86_400,
      () => new ClientError(ClientErrorCode.TTL_INVALID, 'gracePeriodSeconds must be 0-2592000', ['input', 'gracePeriodSeconds']));
    const em = ctx.em.fork({ clear: false }) as EntityManager;
    const c = await this.application(ctx, em, id);
    assertThat(c.confidential && c.tokenEndpointAuthMethod !== 'private_key_jwt',
      () => new ClientError(ClientErrorCode.AUTH_METHOD_INVALID, 'this client does not authenticate with a secret', ['id']));
    const until = new Date(Date.now() + graceSeconds * 1000);
    const secrets = await em.find(ClientSecret, { tenant: ctx.tenant.id, client: c.id });
    for (const sec of secrets) if (!sec.expiresAt || sec.expiresAt > until) sec.expiresAt = until;
    const plaintextSecret = randomToken(32);
    em.create(ClientSecret, {
      id: uuid(), tenant: ctx.tenant.id, client: c.id, secretHash: await hashSecret(plaintextSecret, 'high-entropy'), hint: plaintextSecret.slice(-4), expiresAt: null,
    });
    recordEvent(em, {
      tenantId: ctx.tenant.id, type: 'Client.Secret.Rotated', actor: ctx.actor, requestId: ctx.requestId, target: { type: 'Client', id: c.id },
      payload: { clientId: c.clientId, hint: plaintextSecret.slice(-4), previousSecretsExpireAt: until.toISOString() },
    });
    await em.flush();
    await notifyOutbox(em);
    this.opts.invalidate?.(ctx.tenant.id, c.clientId);
    return { client: c, plaintextSecret, previousExpiresAt: until };
  }

  /** Disables or re-enables an application: a disabled client gets invalid_client everywhere. Emits Client.Updated. */
  async setDisabled(ctx: RequestContext, id: string, disabled: boolean): Promise<Client> {
    const em = ctx.em.fork({ clear: false }) as EntityManager;
    const c = await this.application(ctx, em, id);
    if (c.disabled !== disabled) {
      recordEvent(em, { tenantId: ctx.tenant.id, type: 'Client.Updated', actor: ctx.actor, requestId: ctx.requestId, target: { type: 'Client', id: c.id }, payload: { clientId: c.clientId, changes: { disabled: { before: c.disabled, after: disabled } } } });
      c.disabled = disabled;
      await em.flush();
      await notifyOutbox(em);
      this.opts.invalidate?.(ctx.tenant.id, c.clientId);
    }
    return c;
  }

  /** Deletes an application and its secrets. Emits Client.Deleted. */
  async deleteApplication(ctx: RequestContext, id: string): Promise<string> {
    const em = ctx.em.fork({ clear: false }) as EntityManager;
    const c = await this.application(ctx, em, id);
    recordEvent(em, { tenantId: ctx.tenant.id, type: 'Client.Deleted', actor: ctx.actor, requestId: ctx.requestId, target: { type: 'Client', id: c.id }, payload: { clientId: c.clientId, name: c.name } });
    em.remove(c);
    await em.flush();
    await notifyOutbox(em);
    this.opts.invalidate?.(ctx.tenant.id, c.clientId);
    return c.id;
  }

  list(ctx: RequestContext, page: PageRequest): Promise<Page<Client>> {
    return keysetPage<Client>(ctx.em, Client, { tenant: ctx.tenant.id }, {
      field: 'createdAt', direction: 'DESC', toValue: (c) => c.createdAt.toISOString(), parse: (v) => new Date(v),
    }, page);
  }

  findByIds(ctx: RequestContext, ids: readonly string[]): Promise<Client[]> {
    return ctx.em.find(Client, { id: { $in: [...ids] }, tenant: ctx.tenant.id });
  }

  /** Registers a confidential client_credentials client whose default audience is the graph. */
  async createManagementClient(em: EntityManager, input: ManagementClientInput): Promise<CreatedClient> {
    const plaintextSecret = input.secret ?? randomToken(32);
    const client = em.create(Client, {
      id: uuid(),
      tenant: input.tenantId,
      clientId: input.clientId ?? `mgmt_${randomToken(12)}`,
      name: input.name,
      kind: 'management',
      confidential: true,
      grantTypes: ['client_credentials'],
      scopes: [...input.scopes],
      audiences: [],
      tokenEndpointAuthMethod: 'client_secret_basic',
      accessTokenTtl: null,
      disabled: false,
    });
    em.create(ClientSecret, {
      id: uuid(),
      tenant: input.tenantId,
      client: client.id,
      secretHash: await hashSecret(plaintextSecret, input.secret ? 'operator-chosen' : 'high-entropy'),
      hint: plaintextSecret.slice(-4),
      expiresAt: null,
    });
    return { client, plaintextSecret };
  }

  /**
   * Makes the root client match the environment: created when missing; when an operator-set
   * secret changed, the stored hash is replaced. Returns the plaintext only when it generated one.
   */
  async ensureRootClient(em: EntityManager, input: ManagementClientInput & { clientId: string }): Promise<{ client: Client; generatedSecret?: string; secretReplaced: boolean }> {
    const existing = await em.findOne(Client, { tenant: input.tenantId, clientId: input.clientId });
    if (!existing) {
      const created = await this.createManagementClient(em, input);
      return { client: created.client, generatedSecret: input.secret ? undefined : created.plaintextSecret, secretReplaced: false };
    }
    existing.scopes = [...input.scopes];
    existing.grantTypes = ['client_credentials'];
    existing.disabled = false;
    if (!input.secret) return { client: existing, secretReplaced: false };
    const secrets = await em.find(ClientSecret, { tenant: input.tenantId, client: existing.id });
    for (const s of secrets) if (await verifySecret(input.secret, s.secretHash)) return { client: existing, secretReplaced: false };
    for (const s of secrets) em.remove(s);
    em.create(ClientSecret, {
      id: uuid(), tenant: input.tenantId, client: existing.id,
      secretHash: await hashSecret(input.secret, 'operator-chosen'), hint: input.secret.slice(-4), expiresAt: null,
    });
    return { client: existing, secretReplaced: true };
  }
}
