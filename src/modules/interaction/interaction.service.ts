import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { TEXT_ARRAY_PARAM, type SqlFragment } from '../../db/sql.js';
import { randomToken, uuid } from '../../crypto/random.js';
import { sha256Hex } from '../../crypto/secrets.js';
import { hotSql, TENANT_IS } from '../../db/hot-sql.js';
import { tenantEm } from '../../db/tenant-em.js';
import { eventInsertWhenSql, OUTBOX_NOTIFY_SELECT } from '../../events/outbox.js';
import { resumeUrl } from '../../protocol/interaction/decide.js';
import { sourcesOf, type InteractionEvent } from '../../protocol/interaction/state-machine.js';
import { resumeVerifier } from './interaction.store.js';
import type { AccountStore, ClientStore } from '../../protocol/ports.js';
import { assertThat } from '../../shared/domain-error.js';
import type { Actor } from '../../shared/request-context.js';
import { Interaction } from './interaction.entity.js';
import { InteractionError, InteractionErrorCode } from './interaction.errors.js';
import { UUID } from '../../shared/text.js';

export interface LoginAcceptInput {
  subject: string;
  remember?: boolean;
  remember_for?: number;
  acr?: string;
  amr?: string[];
  context?: Record<string, unknown>;
}

export interface ConsentAcceptInput {
  grant_scope?: string[];
  grant_access_token_audience?: string[];
  remember?: boolean;
  remember_for?: number;
  session?: { access_token?: Record<string, unknown>; id_token?: Record<string, unknown> };
}

export interface RejectInput {
  error?: string;
  error_description?: string;
}

export interface ClientView {
  client_id: string;
  client_name: string;
}

export interface LoginRequestView {
  challenge: string;
  skip: boolean;
  subject: string;
  client: ClientView;
  request_url: string;
  requested_scope: string[];
  requested_access_token_audience: string[];
  oidc_context: { acr_values: string[]; ui_locales: string[]; login_hint?: string; claims?: unknown };
  session_id: string | null;
}

export interface ConsentRequestView {
  challenge: string;
  skip: boolean;
  subject: string;
  client: ClientView;
  request_url: string;
  requested_scope: string[];
  requested_access_token_audience: string[];
  oidc_context: LoginRequestView['oidc_context'];
  login_session_id: string | null;
  acr: string | null;
  amr: string[];
  context: Record<string, unknown> | null;
}

const bad = (message: string, field: string) => new InteractionError(InteractionErrorCode.INVALID_INPUT, message, [field]);
const notFound = () => new InteractionError(InteractionErrorCode.NOT_FOUND, 'challenge not found or expired', ['challenge']);
const OAUTH_ERROR = /^[\x20-\x21\x23-\x5B\x5D-\x7E]{1,100}$/;

/**
 * The login and consent challenge API (what a tenant's own login UI calls, and what Signet's
 * hosted pages use): read a challenge, accept or reject it. Each answer moves the interaction
 * once (state-machine.ts) and returns where to send the browser. Emits Login.Succeeded,
 * Consent.Granted.
 */
export class InteractionService {
  constructor(private readonly deps: { orm: MikroORM; clients: ClientStore; accounts: AccountStore; issuerUrl: (slug: string) => string }) {}

  /**
   * The interaction a challenge names (unexpired), read with one plain SELECT: this sits on the
   * hot path of every login and consent answer.
   */
  private async byChallenge(em: EntityManager, tenantId: string, kind: 'login' | 'consent', challenge: string | { interactionId: string }): Promise<Interaction> {
    const match = challengeMatch(kind, challenge);
    const rows = await hotSql(this.deps.orm).execute(
      `select * from interaction where ${TENANT_IS} and ${match.sql} and expires_at > now()`, [tenantId, ...match.params], 'all');
    assertThat(rows[0], notFound);
    return em.map(Interaction, rows[0]) as Interaction;
  }

  /** The facts the authentication engine needs about a pending login (authn flows call this). */
  async loginFacts(tenantId: string, challenge: string): Promise<{ interactionId: string; sessionId: string | null; clientId: string; acrValues: string[]; prompt: string[]; maxAge: number | null; loginHint: string | null; organization: string | null }> {
    const i = await this.byChallenge(tenantEm(this.deps.orm, tenantId), tenantId, 'login', challenge);
    assertThat(i.state === 'login_pending', () => new InteractionError(InteractionErrorCode.ALREADY_HANDLED, 'the login challenge has already been answered', ['challenge']));
    return {
      interactionId: i.id, sessionId: i.sessionId ?? null, clientId: i.clientId, acrValues: i.request.acrValues ?? [], prompt: i.request.prompt,
      maxAge: i.request.maxAge, loginHint: i.request.loginHint ?? null, organization: i.request.organization ?? null,
    };
  }

  /** The client an interaction serves (the hosted sign-in shows its name), or null when the interaction is gone. */
  async clientOf(tenantId: string, interactionId: string): Promise<ClientView | null> {
    const i = await tenantEm(this.deps.orm, tenantId).findOne(Interaction, { id: interactionId, tenant: tenantId }, { fields: ['clientId'] });
    return i ? this.clientView(tenantId, i.clientId) : null;
  }

  private async clientView(tenantId: string, clientId: string): Promise<ClientView> {
    const c = await this.deps.clients.find(tenantId, clientId);
    return { client_id: clientId, client_name: c?.name ?? clientId };
  }

  private oidcContext(i: Interaction): LoginRequestView['oidc_context'] {
    return {
      acr_values: i.request.acrValues ?? [], ui_locales: i.request.uiLocales?.split(' ').filter(Boolean) ?? [],
      ...(i.request.loginHint ? { login_hint: i.request.loginHint } : {}), ...(i.request.claims ? { claims: i.request.claims } : {}),
    };
  }

  async getLogin(tenantId: string, challenge: string): Promise<LoginRequestView> {
    const i = await this.byChallenge(tenantEm(this.deps.orm, tenantId), tenantId, 'login', challenge);
    return {
      challenge, skip: i.loginSkipped, subject: i.subject ?? '', client: await this.clientView(tenantId, i.clientId),
      request_url: i.request.requestUrl, requested_scope: i.request.scopes, requested_access_token_audience: [i.request.audience],
      oidc_context: this.oidcContext(i), session_id: i.sessionId ?? null,
    };
  }

  async getConsent(tenantId: string, challenge: string): Promise<ConsentRequestView> {
    const i = await this.byChallenge(tenantEm(this.deps.orm, tenantId), tenantId, 'consent', challenge);
    return {
      challenge, skip: false, subject: i.subject ?? '', client: await this.clientView(tenantId, i.clientId),
      request_url: i.request.requestUrl, requested_scope: i.request.scopes, requested_access_token_audience: [i.request.audience],
      oidc_context: this.oidcContext(i), login_session_id: i.sessionId ?? null, acr: i.acr ?? null, amr: i.amr ?? [],
      context: i.loginContext ?? null,
    };
  }

  /**
   * Moves the interaction (conditional update: exactly once) and hands out a resume verifier. The
   * update, what goes with it (`also`: CTE members over the CTE `moved`, which returns the row's
   * id and client_id, e.g. the event row) and the outbox wake-up are ONE statement, so they commit
   * together or not at all. `unless` (a SQL condition on the same statement) refuses the move when
   * it does not hold, e.g. the subject is not an active user; `whyNot` then names the reason.
   * Answers whose change does not depend on the stored request (login answers) skip the read:
   * the challenge is matched in the UPDATE itself, and only a refused answer is diagnosed.
   */
  private async answer(tenantId: string, slug: string, kind: 'login' | 'consent', challenge: string | { interactionId: string }, event: InteractionEvent,
    change: (i?: Interaction) => Partial<Interaction>,
    also?: (i?: Interaction) => { fragments: SqlFragment[]; unless?: SqlFragment; whyNot?: () => Promise<InteractionError | undefined> },
    opts: { read: boolean } = { read: true }): Promise<{ redirect_to: string }> {
    const read = () => this.byChallenge(tenantEm(this.deps.orm, tenantId), tenantId, kind, challenge);
    const handled = () => new InteractionError(InteractionErrorCode.ALREADY_HANDLED, `the ${kind} challenge has already been answered`, ['challenge']);
    const sources = sourcesOf(event);
    let i: Interaction | undefined;
    let match: SqlFragment;
    if (opts.read) {
      i = await read();
      assertThat(sources.includes(i.state), handled);
      match = { sql: 'id = ?', params: [i.id] };
    } else {
      const byChallenge = challengeMatch(kind, challenge);
      match = { sql: `${byChallenge.sql} and expires_at > now()`, params: byChallenge.params };
    }
    const verifier = randomToken(32);
    const set = columnAssignments({ ...change(i), verifierHash: sha256Hex(verifier) });
    const extra = also?.(i);
    const update = `update interaction set ${set.sql} where ${match.sql} and ${TENANT_IS} and state in (${sources.map(() => '?').join(', ')})${extra?.unless ? ` and ${extra.unless.sql}` : ''} returning id, client_id`;
    const updateParams = [...set.params, ...match.params, tenantId, ...sources, ...(extra?.unless?.params ?? [])];
    const fragments = extra?.fragments ?? [];
    const rows = await hotSql(this.deps.orm).execute(
      fragments.length
        ? `with moved as (${update}), ${fragments.map((f, n) => `x${n} as (${f.sql})`).join(', ')} ${OUTBOX_NOTIFY_SELECT}, moved.id from moved`
        : update,
      [...updateParams, ...fragments.flatMap((f) => f.params)], 'all');
    const moved = rows[0] as { id?: string } | undefined;
    if (rows.length !== 1 || !moved?.id) {
      // Refused: say why, in the order a reader would check (exists, still open, then the rest).
      const current = i ?? await read();
      assertThat(sources.includes(current.state), handled);
      throw (await extra?.whyNot?.()) ?? handled();
    }
    return { redirect_to: resumeUrl(this.deps.issuerUrl(slug), resumeVerifier(moved.id, verifier)) };
  }

  async acceptLogin(tenantId: string, slug: string, challenge: string | { interactionId: string }, input: LoginAcceptInput, actor: Actor, requestId?: string) {
    const subject = input.subject;
    assertThat(typeof subject === 'string' && subject.length > 0 && subject.length <= 200, () => bad('subject is required', 'subject'));
    if (input.remember !== undefined) assertThat(typeof input.remember === 'boolean', () => bad('remember must be a boolean', 'remember'));
    if (input.remember_for !== undefined) assertThat(Number.isInteger(input.remember_for) && input.remember_for >= 0 && input.remember_for <= 31_536_000, () => bad('remember_for must be 0-31536000 seconds', 'remember_for'));
    if (input.acr !== undefined) assertThat(typeof input.acr === 'string' && input.acr.length <= 100, () => bad('acr must be a string of at most 100 characters', 'acr'));
    if (input.amr !== undefined) assertThat(Array.isArray(input.amr) && input.amr.length <= 10 && input.amr.every((a) => typeof a === 'string' && a.length <= 40), () => bad('amr must be a list of at most 10 short strings', 'amr'));
    if (input.context !== undefined) assertThat(input.context !== null && typeof input.context === 'object' && !Array.isArray(input.context) && JSON.stringify(input.context).length <= 4096, () => bad('context must be an object of at most 4 KiB', 'context'));
    const inactive = () => new InteractionError(InteractionErrorCode.SUBJECT_INVALID, 'subject is not an active user of this tenant', ['subject']);
    if (!UUID.test(subject)) {
      await this.byChallenge(tenantEm(this.deps.orm, tenantId), tenantId, 'login', challenge);
      throw inactive();
    }
    return this.answer(tenantId, slug, 'login', challenge, 'acceptLogin', () => ({
      state: 'login_accepted', subject, authTime: new Date(), acr: input.acr ?? '0', amr: input.amr ?? [],
      remember: input.remember ?? false, rememberFor: input.remember_for ?? null, loginContext: input.context ?? null,
    }), () => ({
      // The subject must be an active user of the tenant when the login is accepted: checked in the
      // same statement, so a suspension racing with the answer cannot slip through.
      unless: { sql: `exists (select 1 from app_user where ${TENANT_IS} and id = ?::uuid and status = 'active')`, params: [tenantId, subject] },
      whyNot: async () => ((await this.deps.accounts.find(tenantId, subject))?.active ? undefined : inactive()),
      fragments: [eventInsertWhenSql({
        tenantId, type: 'Login.Succeeded', actor, requestId, target: { type: 'User', id: subject },
        payload: { amr: input.amr ?? [], acr: input.acr ?? '0' },
      }, 'moved', `jsonb_build_object('clientId', moved.client_id)`)],
    }), { read: false });
  }

  async rejectLogin(tenantId: string, slug: string, challenge: string | { interactionId: string }, input: RejectInput) {
    const error = this.rejection(input);
    return this.answer(tenantId, slug, 'login', challenge, 'rejectLogin', () => ({ state: 'login_rejected', error }), undefined, { read: false });
  }

  async acceptConsent(tenantId: string, slug: string, challenge: string, input: ConsentAcceptInput, actor: Actor, requestId?: string) {
    const scopes = input.grant_scope ?? [];
    assertThat(Array.isArray(scopes) && scopes.every((s) => typeof s === 'string'), () => bad('grant_scope must be a list of strings', 'grant_scope'));
    const audiences = input.grant_access_token_audience;
    if (audiences !== undefined) assertThat(Array.isArray(audiences) && audiences.every((s) => typeof s === 'string'), () => bad('grant_access_token_audience must be a list of strings', 'grant_access_token_audience'));
    if (input.remember !== undefined) assertThat(typeof input.remember === 'boolean', () => bad('remember must be a boolean', 'remember'));
    if (input.remember_for !== undefined) assertThat(Number.isInteger(input.remember_for) && input.remember_for >= 0, () => bad('remember_for must be a non-negative integer', 'remember_for'));
    if (input.session !== undefined) assertThat(input.session !== null && typeof input.session === 'object' && JSON.stringify(input.session).length <= 8192, () => bad('session must be an object of at most 8 KiB', 'session'));
    let granted: string[] = [];
    // Consent answers read the interaction first (opts.read): the grant is checked against its request.
    return this.answer(tenantId, slug, 'consent', challenge, 'acceptConsent', (read) => {
      const i = read!;
      const notRequested = scopes.filter((s) => !i.request.scopes.includes(s));
      assertThat(!notRequested.length, () => new InteractionError(InteractionErrorCode.SCOPE_NOT_REQUESTED, `grant_scope contains scopes that were not requested: ${notRequested.join(' ')}`, ['grant_scope']));
      granted = audiences?.length ? audiences : [i.request.audience];
      assertThat(granted.every((a) => a === i.request.audience), () => new InteractionError(InteractionErrorCode.AUDIENCE_NOT_ALLOWED, 'grant_access_token_audience may only contain the requested audience', ['grant_access_token_audience']));
      return {
        state: 'consent_accepted', grantedScopes: scopes, grantedAudience: granted, consentRemember: input.remember ?? false,
        consentRememberFor: input.remember_for ?? null, sessionClaims: input.session ?? null,
      };
    }, (read) => ({
      fragments: [
        ...(input.remember ? [this.rememberConsentSql(tenantId, read!.subject!, read!.clientId, scopes, granted,
          new Date(Date.now() + (input.remember_for && input.remember_for > 0 ? input.remember_for : 10 * 365 * 86_400) * 1000))] : []),
        eventInsertWhenSql({
          tenantId, type: 'Consent.Granted', actor, requestId, target: { type: 'User', id: read!.subject ?? '' },
          payload: { clientId: read!.clientId, scopes, remember: input.remember ?? false },
        }, 'moved'),
      ],
    }));
  }

  async rejectConsent(tenantId: string, slug: string, challenge: string, input: RejectInput) {
    const error = this.rejection(input);
    return this.answer(tenantId, slug, 'consent', challenge, 'rejectConsent', () => ({ state: 'consent_rejected', error }));
  }

  private rejection(input: RejectInput): { error: string; error_description?: string } {
    const error = input.error ?? 'access_denied';
    assertThat(typeof error === 'string' && OAUTH_ERROR.test(error), () => bad('error must be an OAuth error code', 'error'));
    if (input.error_description !== undefined) assertThat(typeof input.error_description === 'string' && OAUTH_ERROR.test(input.error_description), () => bad('error_description must be printable ASCII without " or \\', 'error_description'));
    return { error, ...(input.error_description ? { error_description: input.error_description } : {}) };
  }

  /** The remembered consent, written only when the consent answer moved the interaction (CTE `moved`). */
  private rememberConsentSql(tenantId: string, subject: string, clientId: string, scopes: string[], audiences: string[], until: Date): SqlFragment {
    return {
      sql: `insert into consent (id, tenant_id, subject, client_id, scopes, audiences, remember_until, created_at, updated_at, revoked_at)
       select ?::uuid, ?::uuid, ?::text, ?::text, ${TEXT_ARRAY_PARAM}, ${TEXT_ARRAY_PARAM}, ?::timestamptz, now(), now(), null
       where exists (select 1 from moved)
       on conflict (tenant_id, subject, client_id) do update set scopes = excluded.scopes, audiences = excluded.audiences,
         remember_until = excluded.remember_until, updated_at = now(), revoked_at = null`,
      params: [uuid(), tenantId, subject, clientId, JSON.stringify(scopes), JSON.stringify(audiences), until],
    };
  }
}


/** The WHERE condition naming the interaction a challenge (or, for the hosted pages, an id) points at; NOT_FOUND when malformed. */
function challengeMatch(kind: 'login' | 'consent', challenge: string | { interactionId: string }): SqlFragment {
  if (typeof challenge === 'object') {
    assertThat(typeof challenge.interactionId === 'string' && UUID.test(challenge.interactionId), notFound);
    return { sql: 'id = ?', params: [challenge.interactionId] };
  }
  assertThat(typeof challenge === 'string' && /^[A-Za-z0-9_-]{43}$/.test(challenge), notFound);
  return { sql: `${kind === 'login' ? 'login_challenge_hash' : 'consent_challenge_hash'} = ?`, params: [sha256Hex(challenge)] };
}

/**
 * `column = ?` assignments for an interaction UPDATE from entity fields (camelCase → snake_case):
 * lists as text[], objects as jsonb, the rest as plain parameters.
 */
function columnAssignments(fields: Partial<Interaction>): SqlFragment {
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const column = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    if (value === null) {
      parts.push(`${column} = null`);
    } else if (Array.isArray(value)) {
      parts.push(`${column} = ${TEXT_ARRAY_PARAM}`);
      params.push(JSON.stringify(value));
    } else if (typeof value === 'object' && !(value instanceof Date)) {
      parts.push(`${column} = ?::jsonb`);
      params.push(JSON.stringify(value));
    } else {
      parts.push(`${column} = ?`);
      params.push(value);
    }
  }
  return { sql: parts.join(', '), params };
}
