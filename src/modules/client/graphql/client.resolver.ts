import { Arg, Authorized, Ctx, Field, InputType, Int, Mutation, ObjectType, Resolver, registerEnumType } from 'type-graphql';
import { UserErrorInterface, withUserErrors } from '../../../graph/errors/user-error.js';
import { registerNodeType } from '../../../graph/node/node-registry.js';
import { JSONObjectScalar } from '../../../graph/scalars/index.js';
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
    case ClientErrorCode.NAME_INVALID: case ClientErrorCode.REDIRECT_URI_INVALID: case ClientErrorCode.POST_LOGOUT_REDIRECT_URI_INVALID:
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
  @Field(() => [String], { nullable: true, description: 'authorization_code (default), refresh_token, client_credentials.' }) grantTypes?: string[] | null;
  @Field(() => [String], { nullable: true, description: 'Scopes the client may request (default: openid).' }) scopes?: string[] | null;
  @Field(() => [String], { nullable: true, description: 'Audiences the client may request; the first is the default.' }) audiences?: string[] | null;
  @Field(() => String, { nullable: true, description: 'client_secret_basic (default), client_secret_post, private_key_jwt, or none (public).' }) tokenEndpointAuthMethod?: string | null;
  @Field(() => JSONObjectScalar, { nullable: true, description: 'Public JWK Set for private_key_jwt.' }) jwks?: { keys: Record<string, unknown>[] } | null;
  @Field(() => Boolean, { nullable: true, description: 'First-party: skip the consent screen.' }) skipConsent?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Require PKCE (default true; always for public clients).' }) enforcePkce?: boolean | null;
  @Field(() => String, { nullable: true, description: '`public` (default) or `pairwise`.' }) subjectType?: 'public' | 'pairwise' | null;
  @Field(() => String, { nullable: true, description: 'RS256 (default), PS256, ES256 or EdDSA.' }) idTokenSignedResponseAlg?: string | null;
  @Field(() => String, { nullable: true, description: '`jwt` (default) or `opaque`.' }) accessTokenFormat?: 'jwt' | 'opaque' | null;
  @Field(() => String, { nullable: true, description: 'Back-Channel Logout URI.' }) backchannelLogoutUri?: string | null;
  @Field(() => Int, { nullable: true, description: 'Access token lifetime in seconds (60-86400).' }) accessTokenTtl?: number | null;
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
}
