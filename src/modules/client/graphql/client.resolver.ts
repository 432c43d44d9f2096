import { Arg, Args, Authorized, Ctx, Field, ID, InputType, Int, Mutation, ObjectType, Query, Resolver, registerEnumType } from 'type-graphql';
import { ConnectionArgs, connectionTypes, toConnection, toPageRequest } from '../../../graph/connection/connection.js';
import { encodeGlobalId, uuidOf } from '../../../graph/node/global-id.js';
import { UserErrorInterface, withUserErrors } from '../../../graph/errors/user-error.js';
import { registerNodeType } from '../../../graph/node/node-registry.js';
import { DateTimeScalar, JSONObjectScalar } from '../../../graph/scalars/index.js';
import { assertUnreachable } from '../../../shared/domain-error.js';
import type { RequestContext } from '../../../shared/request-context.js';
import { ClientError, ClientErrorCode } from '../client.errors.js';
import { ClientType, toClientType } from './client.type.js';

registerEnumType(ClientErrorCode, { name: 'ClientErrorCode', description: 'Why a client mutation was refused.' });

@ObjectType('ClientUserError', { implements: UserErrorInterface, description: 'A problem with a client mutation\'s input.' })
export class ClientUserError extends UserErrorInterface {
  @Field(() => ClientErrorCode, { description: 'Machine-readable reason.' })
  code!: ClientErrorCode;
}

function clientUserError(e: ClientError): ClientUserError {
  switch (e.code) {
    case ClientErrorCode.NOT_FOUND: case ClientErrorCode.NAME_INVALID: case ClientErrorCode.CORS_ORIGIN_INVALID: case ClientErrorCode.REDIRECT_URI_INVALID: case ClientErrorCode.POST_LOGOUT_REDIRECT_URI_INVALID:
    case ClientErrorCode.GRANT_TYPES_INVALID: case ClientErrorCode.AUTH_METHOD_INVALID: case ClientErrorCode.JWKS_INVALID:
    case ClientErrorCode.SCOPE_INVALID: case ClientErrorCode.AUDIENCE_INVALID: case ClientErrorCode.BACKCHANNEL_LOGOUT_URI_INVALID:
    case ClientErrorCode.SUBJECT_TYPE_INVALID: case ClientErrorCode.TTL_INVALID:
      return Object.assign(new ClientUserError(), { message: e.message, field: e.field ? [...e.field] : null, code: e.code });
    default:
      return assertUnreachable(e.code);
  }
}

@InputType('ClientCreateInput', { description: 'A new OAuth application (RFC 7591 client metadata).' })
export class ClientCreateInput {
  @Field(() => String, { description: 'Display name.' }) name!: string;
  @Field(() => Boolean, { nullable: true, description: 'Confidential (default) or public.' }) confidential?: boolean | null;
  @Field(() => String, { nullable: true, description: '`web` (default) or `native` (RFC 8252: loopback redirects may use any port).' }) applicationType?: 'web' | 'native' | null;
  @Field(() => [String], { nullable: true, description: 'Redirect URIs: absolute, no fragment, https (http only on loopback for native clients, and outside production).' }) redirectUris?: string[] | null;
  @Field(() => [String], { nullable: true, description: 'Post-logout redirect URIs.' }) postLogoutRedirectUris?: string[] | null;
  @Field(() => [String], { nullable: true, description: 'Browser origins allowed to call the token, userinfo and revocation endpoints (CORS), e.g. https://app.example.com.' }) allowedCorsOrigins?: string[] | null;
  @Field(() => [String], { nullable: true, description: 'authorization_code (default), refresh_token, client_credentials.' }) grantTypes?: string[] | null;
  @Field(() => [String], { nullable: true, description: 'Scopes the client may request (default: openid).' }) scopes?: string[] | null;
  @Field(() => [String], { nullable: true, description: 'Audiences the client may request; the first is the default.' }) audiences?: string[] | null;
  @Field(() => String, { nullable: true, description: 'client_secret_basic (default), client_secret_post, private_key_jwt, or none (public).' }) tokenEndpointAuthMethod?: string | null;
  @Field(() => JSONObjectScalar, { nullable: true, description: 'Public JWK Set for private_key_jwt.' }) jwks?: { keys: Record<string, unknown>[] } | null;
  @Field(() => String, { nullable: true, description: 'URL of the client\'s JWK Set for private_key_jwt (https; fetched through the outbound guard, cached 5 minutes).' }) jwksUri?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'First-party: skip the consent screen.' }) skipConsent?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Require PKCE (default true; always for public clients).' }) enforcePkce?: boolean | null;
  @Field(() => String, { nullable: true, description: '`public` (default) or `pairwise`.' }) subjectType?: 'public' | 'pairwise' | null;
  @Field(() => String, { nullable: true, description: 'RS256 (default), PS256, ES256 or EdDSA.' }) idTokenSignedResponseAlg?: string | null;
  @Field(() => String, { nullable: true, description: '`jwt` (default) or `opaque`.' }) accessTokenFormat?: 'jwt' | 'opaque' | null;
  @Field(() => String, { nullable: true, description: 'Back-Channel Logout URI.' }) backchannelLogoutUri?: string | null;
  @Field(() => Int, { nullable: true, description: 'Access token lifetime in seconds (60-86400).' }) accessTokenTtl?: number | null;
  @Field(() => Int, { nullable: true, description: 'Absolute refresh token (family) lifetime in seconds (300-31536000; default 30 days).' }) refreshTokenTtl?: number | null;
  @Field(() => Int, { nullable: true, description: 'Idle refresh token lifetime in seconds (300-31536000; default 14 days).' }) refreshTokenIdleTtl?: number | null;
}

@ObjectType('ClientCreatePayload', { description: 'Result of clientCreate.' })
export class ClientCreatePayload {
  @Field(() => ClientType, { nullable: true, description: 'The new client, unless userErrors is non-empty.' })
  client!: ClientType | null;
  @Field(() => String, { nullable: true, description: 'The client secret, shown only here (confidential clients using a secret).' })
  plaintextSecret!: string | null;
  @Field(() => [ClientUserError], { description: 'Problems with the input; empty on success.' })
  userErrors!: ClientUserError[];
}

@InputType('ClientUpdateInput', { description: 'Changes to an application; omitted fields stay as they are. The result is validated as a whole.' })
export class ClientUpdateInput {
  @Field(() => String, { nullable: true, description: 'Display name.' }) name?: string | null;
  @Field(() => String, { nullable: true, description: '`web` or `native`.' }) applicationType?: 'web' | 'native' | null;
  @Field(() => [String], { nullable: true, description: 'Redirect URIs (replaces the list).' }) redirectUris?: string[] | null;
  @Field(() => [String], { nullable: true, description: 'Post-logout redirect URIs (replaces the list).' }) postLogoutRedirectUris?: string[] | null;
  @Field(() => [String], { nullable: true, description: 'Allowed CORS origins (replaces the list).' }) allowedCorsOrigins?: string[] | null;
  @Field(() => [String], { nullable: true, description: 'Grant types (replaces the list).' }) grantTypes?: string[] | null;
  @Field(() => [String], { nullable: true, description: 'Scopes (replaces the list).' }) scopes?: string[] | null;
  @Field(() => [String], { nullable: true, description: 'Audiences (replaces the list).' }) audiences?: string[] | null;
  @Field(() => String, { nullable: true, description: 'token_endpoint_auth_method (confidential clients).' }) tokenEndpointAuthMethod?: string | null;
  @Field(() => JSONObjectScalar, { nullable: true, description: 'Public JWK Set for private_key_jwt.' }) jwks?: { keys: Record<string, unknown>[] } | null;
  @Field(() => String, { nullable: true, description: 'URL of the client\'s JWK Set for private_key_jwt.' }) jwksUri?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Skip the consent screen.' }) skipConsent?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Require PKCE (confidential clients only; public clients always).' }) enforcePkce?: boolean | null;
  @Field(() => String, { nullable: true, description: '`public` or `pairwise`.' }) subjectType?: 'public' | 'pairwise' | null;
  @Field(() => String, { nullable: true, description: 'ID token signing algorithm.' }) idTokenSignedResponseAlg?: string | null;
  @Field(() => String, { nullable: true, description: '`jwt` or `opaque`.' }) accessTokenFormat?: 'jwt' | 'opaque' | null;
  @Field(() => String, { nullable: true, description: 'Back-Channel Logout URI.' }) backchannelLogoutUri?: string | null;
  @Field(() => Int, { nullable: true, description: 'Access token lifetime in seconds.' }) accessTokenTtl?: number | null;
  @Field(() => Int, { nullable: true, description: 'Absolute refresh token lifetime in seconds.' }) refreshTokenTtl?: number | null;
  @Field(() => Int, { nullable: true, description: 'Idle refresh token lifetime in seconds.' }) refreshTokenIdleTtl?: number | null;
}

@ObjectType('ClientUpdatePayload', { description: 'Result of clientUpdate, clientDisable and clientEnable.' })
export class ClientUpdatePayload {
  @Field(() => ClientType, { nullable: true, description: 'The client after the change, unless userErrors is non-empty.' }) client!: ClientType | null;
  @Field(() => [ClientUserError], { description: 'Problems with the input; empty on success.' }) userErrors!: ClientUserError[];
}

@InputType('ClientSecretRotateInput', { description: 'Replaces an application\'s secret.' })
export class ClientSecretRotateInput {
  @Field(() => ID, { description: 'The client.' }) id!: string;
  @Field(() => Int, { nullable: true, defaultValue: 86_400, description: 'How long the previous secret keeps working, in seconds (0-2592000; default one day).' }) gracePeriodSeconds?: number;
}

@ObjectType('ClientSecretRotatePayload', { description: 'Result of clientSecretRotate.' })
export class ClientSecretRotatePayload {
  @Field(() => ClientType, { nullable: true, description: 'The client.' }) client!: ClientType | null;
  @Field(() => String, { nullable: true, description: 'The new secret, shown only here.' }) plaintextSecret!: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When the previous secret(s) stop working.' }) previousSecretExpiresAt!: Date | null;
  @Field(() => [ClientUserError], { description: 'Problems with the input; empty on success.' }) userErrors!: ClientUserError[];
}

@ObjectType('ClientDeletePayload', { description: 'Result of clientDelete.' })
export class ClientDeletePayload {
  @Field(() => ID, { nullable: true, description: 'Global id of the deleted client.' }) deletedClientId!: string | null;
  @Field(() => [ClientUserError], { description: 'Problems with the input; empty on success.' }) userErrors!: ClientUserError[];
}

export const { Connection: ClientConnection } = connectionTypes(ClientType, 'Client');

const notFound = () => new ClientError(ClientErrorCode.NOT_FOUND, 'client not found', ['id']);
const idOf = (id: string) => {
  const uuid = uuidOf(id, 'Client');
  if (!uuid) throw notFound();
  return uuid;
};

registerNodeType('Client', async (ctx, uuids) => {
  if (!ctx.scopes.has('clients:read')) return new Map();
  const rows = await ctx.services.clients.findByIds(ctx, uuids);
  return new Map(rows.map((r) => [r.id, toClientType(r)]));
});

@Resolver(() => ClientType)
export class ClientResolver {
  @Authorized('clients:write')
  @Mutation(() => ClientCreatePayload, { description: 'Registers an OAuth application; the secret is in the payload once. Requires clients:write. Emits Client.Created.' })
  async clientCreate(@Arg('input', () => ClientCreateInput) input: ClientCreateInput, @Ctx() ctx: RequestContext): Promise<ClientCreatePayload> {
    const r = await withUserErrors(() => ctx.services.clients.createApplication(ctx, input), ClientError, clientUserError);
    return Object.assign(new ClientCreatePayload(), {
      client: r.result ? toClientType(r.result.client) : null, plaintextSecret: r.result?.plaintextSecret ?? null, userErrors: r.userErrors,
    });
  }

  @Authorized('clients:read')
  @Query(() => ClientConnection, { description: 'OAuth clients of the current tenant, newest first. Requires clients:read.' })
  async clients(@Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: RequestContext) {
    const page = await ctx.services.clients.list(ctx, toPageRequest(args));
    return toConnection(page, toClientType, (c) => ({ value: c.createdAt.toISOString(), id: c.id }));
  }

  @Authorized('clients:write')
  @Mutation(() => ClientUpdatePayload, { description: 'Changes an application\'s metadata (validated as a whole). Requires clients:write. Emits Client.Updated.' })
  async clientUpdate(@Arg('id', () => ID) id: string, @Arg('input', () => ClientUpdateInput) input: ClientUpdateInput, @Ctx() ctx: RequestContext): Promise<ClientUpdatePayload> {
    const r = await withUserErrors(() => ctx.services.clients.updateApplication(ctx, idOf(id), input as never), ClientError, clientUserError);
    return Object.assign(new ClientUpdatePayload(), { client: r.result ? toClientType(r.result) : null, userErrors: r.userErrors });
  }

  @Authorized('clients:write')
  @Mutation(() => ClientSecretRotatePayload, { description: 'Issues a new secret (shown once); the previous one keeps working during the grace period. Requires clients:write. Emits Client.Secret.Rotated.' })
  async clientSecretRotate(@Arg('input', () => ClientSecretRotateInput) input: ClientSecretRotateInput, @Ctx() ctx: RequestContext): Promise<ClientSecretRotatePayload> {
    const r = await withUserErrors(() => ctx.services.clients.rotateSecret(ctx, idOf(input.id), input.gracePeriodSeconds ?? 86_400), ClientError, clientUserError);
    return Object.assign(new ClientSecretRotatePayload(), {
      client: r.result ? toClientType(r.result.client) : null, plaintextSecret: r.result?.plaintextSecret ?? null,
      previousSecretExpiresAt: r.result?.previousExpiresAt ?? null, userErrors: r.userErrors,
    });
  }

  @Authorized('clients:write')
  @Mutation(() => ClientUpdatePayload, { description: 'Disables an application: every request with it then fails with invalid_client, and its tokens are inactive (introspection, userinfo, the graph) until it is enabled again. Requires clients:write. Emits Client.Updated.' })
  async clientDisable(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<ClientUpdatePayload> {
    const r = await withUserErrors(() => ctx.services.clients.setDisabled(ctx, idOf(id), true), ClientError, clientUserError);
    return Object.assign(new ClientUpdatePayload(), { client: r.result ? toClientType(r.result) : null, userErrors: r.userErrors });
  }

  @Authorized('clients:write')
  @Mutation(() => ClientUpdatePayload, { description: 'Re-enables a disabled application. Requires clients:write. Emits Client.Updated.' })
  async clientEnable(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<ClientUpdatePayload> {
    const r = await withUserErrors(() => ctx.services.clients.setDisabled(ctx, idOf(id), false), ClientError, clientUserError);
    return Object.assign(new ClientUpdatePayload(), { client: r.result ? toClientType(r.result) : null, userErrors: r.userErrors });
  }

  @Authorized('clients:write')
  @Mutation(() => ClientDeletePayload, { description: 'Deletes an application and its secrets; the tokens issued to it stop working (introspection, userinfo and the graph refuse them). Requires clients:write. Emits Client.Deleted.' })
  async clientDelete(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<ClientDeletePayload> {
    const r = await withUserErrors(() => ctx.services.clients.deleteApplication(ctx, idOf(id)), ClientError, clientUserError);
    return Object.assign(new ClientDeletePayload(), { deletedClientId: r.result ? encodeGlobalId('Client', r.result) : null, userErrors: r.userErrors });
  }
}
