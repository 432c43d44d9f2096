import { Field, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../../../graph/scalars/index.js';
import { NodeInterface } from '../../../graph/node/node.interface.js';
import { encodeGlobalId } from '../../../graph/node/global-id.js';
import type { Client } from '../client.entity.js';

@ObjectType('Client', { implements: NodeInterface, description: 'An OAuth client (application or management client). Secrets are never readable. Requires clients:read.' })
export class ClientType extends NodeInterface {
  @Field(() => String, { description: 'The OAuth client_id.' })
  clientId!: string;
  @Field(() => String, { description: 'Display name, shown on consent pages.' })
  name!: string;
  @Field(() => Boolean, { description: 'Confidential (can keep a secret) or public.' })
  confidential!: boolean;
  @Field(() => String, { description: '`web` or `native`.' })
  applicationType!: string;
  @Field(() => [String], { description: 'Registered redirect URIs (exact match).' })
  redirectUris!: string[];
  @Field(() => [String], { description: 'Registered post-logout redirect URIs.' })
  postLogoutRedirectUris!: string[];
  @Field(() => [String], { description: 'Browser origins allowed to call the token, userinfo and revocation endpoints (CORS).' })
  allowedCorsOrigins!: string[];
  @Field(() => [String], { description: 'Allowed grant types.' })
  grantTypes!: string[];
  @Field(() => [String], { description: 'Scopes the client may request.' })
  scopes!: string[];
  @Field(() => [String], { description: 'Audiences (RFC 8707 resources) the client may request; the first is the default.' })
  audiences!: string[];
  @Field(() => String, { description: 'token_endpoint_auth_method.' })
  tokenEndpointAuthMethod!: string;
  @Field(() => Boolean, { description: 'First-party: consent is not asked.' })
  skipConsent!: boolean;
  @Field(() => Boolean, { description: 'PKCE (S256) required.' })
  enforcePkce!: boolean;
  @Field(() => String, { description: '`public` or `pairwise` subject identifiers.' })
  subjectType!: string;
  @Field(() => String, { description: 'ID token signing algorithm.' })
  idTokenSignedResponseAlg!: string;
  @Field(() => String, { description: 'Access token format: `jwt` (RFC 9068) or `opaque`.' })
  accessTokenFormat!: string;
  @Field(() => String, { nullable: true, description: 'URL of the client\'s JWK Set (private_key_jwt).' })
  jwksUri!: string | null;
  @Field(() => String, { nullable: true, description: 'Back-Channel Logout URI.' })
  backchannelLogoutUri!: string | null;
  @Field(() => Int, { nullable: true, description: 'Access token lifetime in seconds (null: the server default).' })
  accessTokenTtl!: number | null;
  @Field(() => Int, { nullable: true, description: 'Absolute refresh token lifetime in seconds (null: 30 days).' })
  refreshTokenTtl!: number | null;
  @Field(() => Int, { nullable: true, description: 'Idle refresh token lifetime in seconds (null: 14 days).' })
  refreshTokenIdleTtl!: number | null;
  @Field(() => DateTimeScalar, { description: 'When the client was registered.' })
  createdAt!: Date;
}

export function toClientType(c: Client): ClientType {
  return Object.assign(new ClientType(), {
    id: encodeGlobalId('Client', c.id), clientId: c.clientId, name: c.name, confidential: c.confidential, applicationType: c.applicationType,
    redirectUris: c.redirectUris, postLogoutRedirectUris: c.postLogoutRedirectUris, allowedCorsOrigins: c.allowedCorsOrigins, grantTypes: c.grantTypes, scopes: c.scopes,
    audiences: c.audiences, tokenEndpointAuthMethod: c.tokenEndpointAuthMethod, skipConsent: c.skipConsent, enforcePkce: c.enforcePkce,
    subjectType: c.subjectType, idTokenSignedResponseAlg: c.idTokenSignedResponseAlg, accessTokenFormat: c.accessTokenFormat,
    backchannelLogoutUri: c.backchannelLogoutUri ?? null, createdAt: c.createdAt, jwksUri: c.jwksUri ?? null,
    accessTokenTtl: c.accessTokenTtl ?? null, refreshTokenTtl: c.refreshTokenTtl ?? null, refreshTokenIdleTtl: c.refreshTokenIdleTtl ?? null,
  });
}
