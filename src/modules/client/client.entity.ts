import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { tenantColumn, tenantFilter } from '../../db/tenant-scoped.js';

export const CLIENT_KINDS = ['management', 'application'] as const;
export type ClientKind = (typeof CLIENT_KINDS)[number];

/** An OAuth client. Management clients' default audience is the graph (`${PUBLIC_URL}/graphql`). */
export const Client = defineEntity({
  name: 'Client',
  tableName: 'client',
  properties: {
    id: p.uuid().primary(),
    tenant: tenantColumn(),
    clientId: p.string().length(128),
    name: p.string().length(200),
    kind: p.enum(CLIENT_KINDS),
    confidential: p.boolean().default(true),
    grantTypes: p.array(),
    /** Scopes the client may request; a request without `scope` gets all of them (RFC 6749 §3.3). */
    scopes: p.array(),
    /** Audiences (RFC 8707 resources) the client may request; the first is the default. */
    audiences: p.array(),
    tokenEndpointAuthMethod: p.string().length(40),
    accessTokenTtl: p.integer().nullable(),
    /** `web` or `native` (RFC 8252: loopback redirects may use any port). */
    applicationType: p.string().length(10).default('web'),
    redirectUris: p.array().default([]),
    postLogoutRedirectUris: p.array().default([]),
    /** Web origins (scheme://host[:port]) allowed to call the token, userinfo and revocation endpoints from a browser. */
    allowedCorsOrigins: p.array().default([]),
    responseTypes: p.array().default([]),
    /** First-party clients may skip the consent screen. */
    skipConsent: p.boolean().default(false),
    /** PKCE (S256) required; always true for public clients. */
    enforcePkce: p.boolean().default(true),
    subjectType: p.string().length(10).default('public'),
    sectorIdentifier: p.string().length(255).nullable(),
    idTokenSignedResponseAlg: p.string().length(10).default('RS256'),
    /** `jwt` (RFC 9068) or `opaque` (reference tokens, introspection only). */
    accessTokenFormat: p.string().length(10).default('jwt'),
    /** Public keys for private_key_jwt (RFC 7523), as a JWK Set. */
    jwks: p.json<{ keys: Record<string, unknown>[] }>().nullable(),
    /** Where the client publishes its JWK Set (fetched through the SSRF guard, cached). */
    jwksUri: p.text().nullable(),
    backchannelLogoutUri: p.text().nullable(),
    backchannelLogoutSessionRequired: p.boolean().default(true),
    refreshTokenTtl: p.integer().nullable(),
    refreshTokenIdleTtl: p.integer().nullable(),
    disabled: p.boolean().default(false),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  uniques: [{ properties: ['tenant', 'clientId'] }],
  filters: tenantFilter,
});
export type Client = InferEntity<typeof Client>;

/** A client secret, stored only as a hash. Several may be valid at once during rotation. */
export const ClientSecret = defineEntity({
  name: 'ClientSecret',
  tableName: 'client_secret',
  properties: {
    id: p.uuid().primary(),
    tenant: tenantColumn(),
    client: () => p.manyToOne(Client).mapToPk().deleteRule('cascade').index(),
    secretHash: p.text(),
    /** Last four characters, to help an operator tell secrets apart. */
    hint: p.string().length(8),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime().nullable(),
  },
  filters: tenantFilter,
});
export type ClientSecret = InferEntity<typeof ClientSecret>;
