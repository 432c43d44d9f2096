import { Arg, Authorized, Ctx, Field, InputType, Int, Mutation, ObjectType, Query, Resolver, registerEnumType } from 'type-graphql';
import { UserErrorInterface, withUserErrors } from '../../../graph/errors/user-error.js';
import { JSONObjectScalar } from '../../../graph/scalars/index.js';
import { assertUnreachable } from '../../../shared/domain-error.js';
import type { RequestContext } from '../../../shared/request-context.js';
import { InteractionError, InteractionErrorCode } from '../interaction.errors.js';

registerEnumType(InteractionErrorCode, { name: 'ChallengeErrorCode', description: 'Why a challenge answer was refused.' });

@ObjectType('ChallengeUserError', { implements: UserErrorInterface, description: 'A problem with a challenge answer.' })
export class ChallengeUserError extends UserErrorInterface {
  @Field(() => InteractionErrorCode, { description: 'Machine-readable reason.' })
  code!: InteractionErrorCode;
}

function challengeUserError(e: InteractionError): ChallengeUserError {
  switch (e.code) {
    case InteractionErrorCode.NOT_FOUND: case InteractionErrorCode.ALREADY_HANDLED: case InteractionErrorCode.SUBJECT_INVALID:
    case InteractionErrorCode.SUBJECT_MISMATCH: case InteractionErrorCode.SCOPE_NOT_REQUESTED: case InteractionErrorCode.AUDIENCE_NOT_ALLOWED:
    case InteractionErrorCode.INVALID_INPUT:
      return Object.assign(new ChallengeUserError(), { message: e.message, field: e.field ? ['input', ...e.field] : null, code: e.code });
    default:
      return assertUnreachable(e.code);
  }
}

@ObjectType('ChallengeClient', { description: 'The client asking.' })
class ChallengeClient {
  @Field(() => String, { description: 'OAuth client_id.' }) clientId!: string;
  @Field(() => String, { description: 'Display name.' }) name!: string;
}

@ObjectType('LoginChallenge', { description: 'A pending login: what a login UI shows before authenticating the user. Requires interactions:write.' })
class LoginChallenge {
  @Field(() => String, { description: 'The challenge.' }) challenge!: string;
  @Field(() => Boolean, { description: 'True when the user is already authenticated (accept without prompting).' }) skip!: boolean;
  @Field(() => String, { description: 'The authenticated subject when skip is true, else empty.' }) subject!: string;
  @Field(() => ChallengeClient, { description: 'The client asking.' }) client!: ChallengeClient;
  @Field(() => [String], { description: 'Requested scopes.' }) requestedScope!: string[];
  @Field(() => [String], { description: 'Requested access token audiences.' }) requestedAudience!: string[];
  @Field(() => String, { nullable: true, description: 'login_hint from the authorization request.' }) loginHint!: string | null;
  @Field(() => [String], { description: 'acr_values from the authorization request.' }) acrValues!: string[];
  @Field(() => String, { description: 'The original authorization request URL.' }) requestUrl!: string;
}

@ObjectType('ConsentChallenge', { description: 'A pending consent. Requires interactions:write.' })
class ConsentChallenge {
  @Field(() => String, { description: 'The challenge.' }) challenge!: string;
  @Field(() => String, { description: 'The authenticated subject.' }) subject!: string;
  @Field(() => ChallengeClient, { description: 'The client asking.' }) client!: ChallengeClient;
  @Field(() => [String], { description: 'Requested scopes.' }) requestedScope!: string[];
  @Field(() => [String], { description: 'Requested access token audiences.' }) requestedAudience!: string[];
  @Field(() => [String], { description: 'Authentication methods of the login.' }) amr!: string[];
}

@InputType('LoginChallengeAcceptInput', { description: 'Accepts a login: the user is authenticated as `subject`.' })
class LoginChallengeAcceptInput {
  @Field(() => String, { description: 'The login challenge.' }) challenge!: string;
  @Field(() => String, { description: 'The user\'s subject (User.subject).' }) subject!: string;
  @Field(() => Boolean, { nullable: true, description: 'Keep a persistent SSO session.' }) remember?: boolean | null;
  @Field(() => Int, { nullable: true, description: 'Session lifetime in seconds when remembered (0: tenant default).' }) rememberFor?: number | null;
  @Field(() => String, { nullable: true, description: 'Authentication context class reference.' }) acr?: string | null;
  @Field(() => [String], { nullable: true, description: 'Authentication methods references (e.g. pwd, otp).' }) amr?: string[] | null;
  @Field(() => JSONObjectScalar, { nullable: true, description: 'Context passed on to the consent step.' }) context?: Record<string, unknown> | null;
}

@InputType('ConsentChallengeAcceptInput', { description: 'Grants (a subset of) what was requested.' })
class ConsentChallengeAcceptInput {
  @Field(() => String, { description: 'The consent challenge.' }) challenge!: string;
  @Field(() => [String], { description: 'Scopes granted (a subset of the requested ones).' }) grantScope!: string[];
  @Field(() => [String], { nullable: true, description: 'Audiences granted (the requested one).' }) grantAudience?: string[] | null;
  @Field(() => Boolean, { nullable: true, description: 'Remember the decision.' }) remember?: boolean | null;
  @Field(() => Int, { nullable: true, description: 'How long to remember it, in seconds (0: until revoked).' }) rememberFor?: number | null;
  @Field(() => JSONObjectScalar, { nullable: true, description: 'Extra claims for the access token.' }) accessTokenClaims?: Record<string, unknown> | null;
  @Field(() => JSONObjectScalar, { nullable: true, description: 'Extra claims for the ID token.' }) idTokenClaims?: Record<string, unknown> | null;
}

@InputType('ChallengeRejectInput', { description: 'Rejects a login or consent challenge; the client receives the error.' })
class ChallengeRejectInput {
  @Field(() => String, { description: 'The challenge.' }) challenge!: string;
  @Field(() => String, { nullable: true, description: 'OAuth error code (default access_denied).' }) error?: string | null;
  @Field(() => String, { nullable: true, description: 'Human-readable description.' }) errorDescription?: string | null;
}

@ObjectType('ChallengeAnswerPayload', { description: 'Where to send the browser next.' })
class ChallengeAnswerPayload {
  @Field(() => String, { nullable: true, description: 'Redirect the user\'s browser here, unless userErrors is non-empty.' }) redirectTo!: string | null;
  @Field(() => [ChallengeUserError], { description: 'Problems with the answer; empty on success.' }) userErrors!: ChallengeUserError[];
}

const payload = (r: { result?: { redirect_to: string }; userErrors: ChallengeUserError[] }) =>
  Object.assign(new ChallengeAnswerPayload(), { redirectTo: r.result?.redirect_to ?? null, userErrors: r.userErrors });

/** The challenge API in the graph: the same operations as /t/{slug}/admin/login|consent. */
@Resolver()
export class InteractionResolver {
  @Authorized('interactions:write')
  @Query(() => LoginChallenge, { nullable: true, description: 'A pending login challenge of the current tenant (null when unknown or expired). Requires interactions:write.' })
  async loginChallenge(@Arg('challenge', () => String) challenge: string, @Ctx() ctx: RequestContext): Promise<LoginChallenge | null> {
    const r = await withUserErrors(() => ctx.services.interactions.getLogin(ctx.tenant.id, challenge), InteractionError, challengeUserError);
    const v = r.result;
    return v ? {
      challenge, skip: v.skip, subject: v.subject, client: { clientId: v.client.client_id, name: v.client.client_name },
      requestedScope: v.requested_scope, requestedAudience: v.requested_access_token_audience, loginHint: v.oidc_context.login_hint ?? null,
      acrValues: v.oidc_context.acr_values, requestUrl: v.request_url,
    } : null;
  }

  @Authorized('interactions:write')
  @Query(() => ConsentChallenge, { nullable: true, description: 'A pending consent challenge of the current tenant. Requires interactions:write.' })
  async consentChallenge(@Arg('challenge', () => String) challenge: string, @Ctx() ctx: RequestContext): Promise<ConsentChallenge | null> {
    const r = await withUserErrors(() => ctx.services.interactions.getConsent(ctx.tenant.id, challenge), InteractionError, challengeUserError);
    const v = r.result;
    return v ? {
      challenge, subject: v.subject, client: { clientId: v.client.client_id, name: v.client.client_name },
      requestedScope: v.requested_scope, requestedAudience: v.requested_access_token_audience, amr: v.amr,
    } : null;
  }

  @Authorized('interactions:write')
  @Mutation(() => ChallengeAnswerPayload, { description: 'Accepts a login challenge. Requires interactions:write. Emits Login.Succeeded.' })
  async loginChallengeAccept(@Arg('input', () => LoginChallengeAcceptInput) input: LoginChallengeAcceptInput, @Ctx() ctx: RequestContext) {
    return payload(await withUserErrors(() => ctx.services.interactions.acceptLogin(ctx.tenant.id, ctx.tenant.slug, input.challenge, {
      subject: input.subject, remember: input.remember ?? undefined, remember_for: input.rememberFor ?? undefined, acr: input.acr ?? undefined,
      amr: input.amr ?? undefined, context: input.context ?? undefined,
    }, ctx.actor, ctx.requestId), InteractionError, challengeUserError));
  }

  @Authorized('interactions:write')
  @Mutation(() => ChallengeAnswerPayload, { description: 'Rejects a login challenge; the client receives the error. Requires interactions:write. Emits no event.' })
  async loginChallengeReject(@Arg('input', () => ChallengeRejectInput) input: ChallengeRejectInput, @Ctx() ctx: RequestContext) {
    return payload(await withUserErrors(() => ctx.services.interactions.rejectLogin(ctx.tenant.id, ctx.tenant.slug, input.challenge, {
      error: input.error ?? undefined, error_description: input.errorDescription ?? undefined,
    }), InteractionError, challengeUserError));
  }

  @Authorized('interactions:write')
  @Mutation(() => ChallengeAnswerPayload, { description: 'Accepts a consent challenge. Requires interactions:write. Emits Consent.Granted.' })
  async consentChallengeAccept(@Arg('input', () => ConsentChallengeAcceptInput) input: ConsentChallengeAcceptInput, @Ctx() ctx: RequestContext) {
    return payload(await withUserErrors(() => ctx.services.interactions.acceptConsent(ctx.tenant.id, ctx.tenant.slug, input.challenge, {
      grant_scope: input.grantScope, grant_access_token_audience: input.grantAudience ?? undefined, remember: input.remember ?? undefined,
      remember_for: input.rememberFor ?? undefined,
      session: input.accessTokenClaims || input.idTokenClaims ? { access_token: input.accessTokenClaims ?? undefined, id_token: input.idTokenClaims ?? undefined } : undefined,
    }, ctx.actor, ctx.requestId), InteractionError, challengeUserError));
  }

  @Authorized('interactions:write')
  @Mutation(() => ChallengeAnswerPayload, { description: 'Rejects a consent challenge; the client receives the error. Requires interactions:write. Emits no event.' })
  async consentChallengeReject(@Arg('input', () => ChallengeRejectInput) input: ChallengeRejectInput, @Ctx() ctx: RequestContext) {
    return payload(await withUserErrors(() => ctx.services.interactions.rejectConsent(ctx.tenant.id, ctx.tenant.slug, input.challenge, {
      error: input.error ?? undefined, error_description: input.errorDescription ?? undefined,
    }), InteractionError, challengeUserError));
  }
}
