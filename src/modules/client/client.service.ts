import type { EntityManager } from '@mikro-orm/postgresql';
import { randomToken, uuid } from '../../crypto/random.js';
import { hashSecret, verifySecret } from '../../crypto/secrets.js';
import { Client, ClientSecret } from './client.entity.js';
import { validateApplicationClient, type ApplicationClientInput } from './client-registration.js';
import { notifyOutbox, recordEvent } from '../../events/outbox.js';
import type { RequestContext } from '../../shared/request-context.js';

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
  constructor(private readonly opts: { production: boolean } = { production: false }) {}

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
      applicationType: v.applicationType, redirectUris: v.redirectUris, postLogoutRedirectUris: v.postLogoutRedirectUris,
      responseTypes: v.responseTypes, skipConsent: v.skipConsent, enforcePkce: v.enforcePkce, subjectType: v.subjectType,
      sectorIdentifier: v.sectorIdentifier, idTokenSignedResponseAlg: v.idTokenSignedResponseAlg, accessTokenFormat: v.accessTokenFormat,
      jwks: v.jwks, backchannelLogoutUri: v.backchannelLogoutUri, backchannelLogoutSessionRequired: true, refreshTokenTtl: null, refreshTokenIdleTtl: null,
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
