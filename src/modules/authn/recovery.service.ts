import type { EntityManager } from '@mikro-orm/postgresql';
import { hashPassword } from '../../crypto/password.js';
import { notifyOutbox, recordEvent } from '../../events/outbox.js';
import { assertThat } from '../../shared/domain-error.js';
import { passwordProblem } from '../../shared/password-policy.js';
import type { Actor, RequestContext } from '../../shared/request-context.js';
import type { ConsentService } from '../grant/index.js';
import type { EndedSession, SessionService } from '../session/index.js';
import type { Tenant } from '../tenant/tenant.entity.js';
import { User } from '../user/user.entity.js';
import { LoginFlow } from './authn.entity.js';
import { MAX_FAILURES, type AuthnEngine, type FlowRequest } from './authn.engine.js';
import { AuthnError, AuthnErrorCode } from './authn.errors.js';
import { countFailure, emailFrom, invalid, newCode, outOfOrder, saveFlow, takeCode } from './flow-steps.js';
import { maskEmail, str } from './inputs.js';

/**
 * Account recovery ("forgot password") as steps of one `login_flow` row (purpose `recovery`);
 * progress lives in `data.recovery`.
 *
 * ```mermaid
 * stateDiagram-v2
 *   [*] --> email: start
 *   email --> code: email (a 6-digit code and a link to an active account; nothing to an unknown one)
 *   code --> second_factor: code proven, the user has a second factor
 *   code --> password: code proven, no second factor
 *   second_factor --> password: TOTP code or recovery code proven
 *   password --> [*]: new password set (flow completed)
 * ```
 *
 * Rules:
 * - unknown, suspended and guest addresses get the same page and answers and no mail (their
 *   stored code matches nothing); the view never says whether an account exists;
 * - codes are single use, expire after 10 minutes, and wrong answers (codes, TOTP, recovery
 *   codes) count: at MAX_FAILURES the flow fails;
 * - a user with a second factor must also prove it (TOTP or a recovery code); a user whose only
 *   second factor is a passkey signs in with it instead (METHOD_NOT_ALLOWED here);
 * - the new password follows the tenant's policy (PASSWORD_POLICY, nothing changes);
 * - on success, in one transaction: the password, email verified (the mailbox was proven),
 *   User.Password.Reset.Completed and User.Password.Changed; with tenant.recoveryRevokesSessions
 *   also every browser session (Session.Ended, back-channel logout after the commit) and every
 *   consent with its refresh and access tokens (whoever held the account may have granted some);
 *   then the account's sign-in lockout is cleared.
 */
export type RecoveryStage = 'email' | 'code' | 'second_factor' | 'password';

interface Progress {
  stage: RecoveryStage;
  email?: string;
  /** The account behind the address (null: none; never shown before the code is proven). */
  userId?: string | null;
  /** Second factors the user can answer with (second_factor stage). */
  methods?: string[];
}

export interface RecoveryView {
  flow_id: string;
  purpose: 'recovery';
  state: LoginFlow['state'];
  expires_at: string;
  /** The step to post next (null: ended). */
  step: RecoveryStage | null;
  /** At second_factor: what may be answered (totp, recovery_code). */
  methods: string[];
  pending: { channel: 'email'; destination: string; expires_at: string } | null;
  password_policy: { min_length: number; require_classes: string[] };
}

export interface RecoveryDone {
  state: 'completed';
  user_id: string;
  sessions_revoked: boolean;
}

export interface RecoveryDeps {
  engine: AuthnEngine;
  sessions: SessionService;
  consents: ConsentService;
  /** A unit-of-work context for the session and consent services (built by the app layer). */
  contextFor: (r: FlowRequest, tenant: Tenant, actor: Actor, em: EntityManager) => RequestContext;
}

const RECOVERY_FACTORS = ['totp', 'recovery_code'];

export class RecoveryService {
  constructor(private readonly deps: RecoveryDeps) {}

  private get engine(): AuthnEngine {
    return this.deps.engine;
  }

  private progress(flow: LoginFlow): Progress {
    return (flow.data.recovery as Progress | undefined) ?? { stage: 'email' };
  }

  /** `data`: what the caller keeps with the flow (the hosted pages: the sign-in to return to). */
  async start(r: FlowRequest, data: Record<string, unknown> = {}): Promise<{ flow: LoginFlow; token: string; view: RecoveryView }> {
    const { flow, token } = await this.engine.start(r, { purpose: 'recovery', data: { ...data, recovery: { stage: 'email' } } });
    return { flow, token, view: this.view(await this.engine.tenant(r.tenantId), flow) };
  }

  async load(r: FlowRequest, token: string | null | undefined): Promise<{ flow: LoginFlow; tenant: Tenant; progress: Progress }> {
    const flow = await this.engine.load(r.tenantId, token);
    assertThat(flow.purpose === 'recovery', () => outOfOrder('this flow is not an account recovery; start one with /authentication/recovery/start'));
    assertThat(flow.state === 'identify', () => outOfOrder('this recovery has ended; start again'));
    return { flow, tenant: await this.engine.tenant(r.tenantId), progress: this.progress(flow) };
  }

  async status(r: FlowRequest, token: string | null | undefined): Promise<RecoveryView> {
    const { flow, tenant } = await this.load(r, token);
    return this.view(tenant, flow);
  }

  view(tenant: Tenant, flow: LoginFlow): RecoveryView {
    const p = this.progress(flow);
    return {
      flow_id: flow.id, purpose: 'recovery', state: flow.state, expires_at: flow.expiresAt.toISOString(),
      step: flow.state === 'identify' ? p.stage : null,
      methods: p.stage === 'second_factor' ? p.methods ?? [] : [],
      pending: flow.otp ? { channel: 'email', destination: flow.otp.destination, expires_at: new Date(flow.otp.expiresAt * 1000).toISOString() } : null,
      password_policy: { min_length: tenant.passwordMinLength, require_classes: [...tenant.passwordRequireClasses] },
    };
  }

  private stageIs(p: Progress, ...stages: RecoveryStage[]): void {
    assertThat(stages.includes(p.stage), () => outOfOrder(`the "${p.stage}" step comes next`));
  }

  /**
   * The address to recover. An active account gets a code and a link (`linkUrl` + `?code=`);
   * any other address the same answer and nothing. May be repeated before the code is proven
   * (a new code replaces the old one). Emits User.Password.Reset.Requested.
   */
  async email(r: FlowRequest, token: string | null | undefined, input: { email?: unknown }, linkUrl: string): Promise<RecoveryView> {
    const { flow, tenant, progress } = await this.load(r, token);
    this.stageIs(progress, 'email', 'code');
    const email = emailFrom(input.email);
    await this.engine.limitSends(r, email);
    const em = this.engine.em(r.tenantId);
    const user = await em.findOne(User, { email, tenant: r.tenantId, status: 'active', isAnonymous: false });
    const sent = newCode(flow, { channel: 'email_otp', step: 'recovery', destination: maskEmail(email), userId: user?.id ?? null, deliver: Boolean(user) });
    await saveFlow(em, flow, { otp: sent.otp, data: { ...flow.data, recovery: { stage: 'code', email, userId: user?.id ?? null } satisfies Progress } });
    if (user) {
      const link = `${linkUrl}?code=${sent.code}`;
      await this.engine.deps.mail.send({
        to: email, subject: `${sent.code} is your ${tenant.name} password reset code`,
        text: `Someone (hopefully you) asked to reset the password of your ${tenant.name} account.\n\nYour code: ${sent.code}\n\n`
          + `Or open this link in the browser where you asked for it:\n${link}\n\nIt works once and expires in 10 minutes. If you did not ask for this, ignore this message: your password stays as it is.`,
      }, { tenantId: r.tenantId });
      recordEvent(em, {
        tenantId: r.tenantId, type: 'User.Password.Reset.Requested', actor: { kind: 'system', id: 'recovery', tenantId: r.tenantId }, requestId: r.requestId,
        target: { type: 'User', id: user.id }, payload: { userId: user.id, expiresAt: new Date(sent.otp.expiresAt * 1000).toISOString() },
      });
      await em.flush();
      await notifyOutbox(em);
    }
    return this.view(tenant, flow);
  }

  /** "Send it again": the email step once more for the address already given (a new code replaces the old one, within the same send limits). */
  async resend(r: FlowRequest, token: string | null | undefined, linkUrl: string): Promise<RecoveryView> {
    const { progress } = await this.load(r, token);
    this.stageIs(progress, 'code');
    assertThat(progress.email, () => outOfOrder('enter the email address of your account first'));
    return this.email(r, token, { email: progress.email }, linkUrl);
  }

  /** The mailed code (or the link's): proves the mailbox. Next: the second factor if the user has one, else the password. */
  async code(r: FlowRequest, token: string | null | undefined, input: { code?: unknown }): Promise<RecoveryView> {
    const { flow, tenant, progress } = await this.load(r, token);
    this.stageIs(progress, 'code');
    const em = this.engine.em(r.tenantId);
    const otp = await takeCode(em, flow, 'recovery', input.code);
    assertThat(otp.userId, () => new AuthnError(AuthnErrorCode.INVALID_CODE, 'the code is not right', ['code']));
    const enrolled = await this.engine.deps.factors.secondFactorMethods(em, r.tenantId, otp.userId);
    const methods = RECOVERY_FACTORS.filter((m) => enrolled.includes(m));
    const next: Progress = { ...progress, userId: otp.userId, stage: enrolled.length ? 'second_factor' : 'password', methods };
    await saveFlow(em, flow, { data: { ...flow.data, recovery: next } });
    return this.view(tenant, flow);
  }

  /** `{method: 'totp' | 'recovery_code', code}`: the second factor of a user who has one. */
  async secondFactor(r: FlowRequest, token: string | null | undefined, input: { method?: unknown; code?: unknown }): Promise<RecoveryView> {
    const { flow, tenant, progress } = await this.load(r, token);
    this.stageIs(progress, 'second_factor');
    const methods = progress.methods ?? [];
    assertThat(methods.length, () => new AuthnError(AuthnErrorCode.METHOD_NOT_ALLOWED, 'this account is protected by a passkey: sign in with it to change your password, or ask an administrator', ['method']));
    const method = str(input.method, 40) ?? '';
    assertThat(methods.includes(method), () => new AuthnError(AuthnErrorCode.METHOD_NOT_ALLOWED, `answer with one of: ${methods.join(', ')}`, ['method']));
    const em = this.engine.em(r.tenantId);
    const userId = progress.userId!;
    const factors = this.engine.deps.factors;
    let ok: boolean;
    if (method === 'totp') {
      const code = str(input.code, 12)?.replace(/\s/g, '') ?? '';
      assertThat(/^\d{6}$/.test(code), () => invalid('enter the 6-digit code from your authenticator app', 'code'));
      ok = await factors.verifyTotpCode(em, r.tenantId, userId, code);
    } else {
      const code = str(input.code, 40) ?? '';
      assertThat(code.trim().length > 0, () => invalid('enter one of your recovery codes', 'code'));
      ok = await factors.useRecoveryCode(em, r.tenantId, userId, code);
    }
    if (!ok) {
      await countFailure(em, flow, new AuthnError(AuthnErrorCode.INVALID_CODE, method === 'totp' ? 'the code is not right' : 'that recovery code is not right or was already used', ['code']),
        (failures) => ({
          tenantId: r.tenantId, type: 'Mfa.Challenge.Failed', actor: { kind: 'system', id: 'recovery', tenantId: r.tenantId }, requestId: r.requestId,
          target: { type: 'User', id: userId }, payload: { userId, factor: method, challengeId: flow.id, reason: failures >= MAX_FAILURES ? 'too_many_failures' : 'wrong_answer' },
        }));
    }
    recordEvent(em, {
      tenantId: r.tenantId, type: 'Mfa.Challenge.Verified', actor: { kind: 'user', id: userId, tenantId: r.tenantId }, requestId: r.requestId,
      target: { type: 'User', id: userId }, payload: { userId, factor: method, challengeId: flow.id },
    });
    await saveFlow(em, flow, { data: { ...flow.data, recovery: { ...progress, stage: 'password' } satisfies Progress } });
    await em.flush();
    await notifyOutbox(em);
    return this.view(tenant, flow);
  }

  /** The new password: set, sessions and tokens revoked per tenant setting, lockout cleared; the flow ends. */
  async password(r: FlowRequest, token: string | null | undefined, input: { password?: unknown }): Promise<RecoveryDone> {
    const { flow, tenant, progress } = await this.load(r, token);
    this.stageIs(progress, 'password');
    const password = typeof input.password === 'string' ? input.password : '';
    assertThat(password.length > 0, () => invalid('choose a new password', 'password'));
    const problem = passwordProblem({ minLength: tenant.passwordMinLength, requireClasses: tenant.passwordRequireClasses }, password);
    assertThat(!problem, () => new AuthnError(AuthnErrorCode.PASSWORD_POLICY, problem!, ['password']));
    const passwordHash = await hashPassword(password);
    const userId = progress.userId!;
    const revoke = tenant.recoveryRevokesSessions;
    const em = this.engine.em(r.tenantId);
    const actor: Actor = { kind: 'user', id: userId, tenantId: r.tenantId };
    const ctx = this.deps.contextFor(r, tenant, actor, em);
    let ended: EndedSession[] = [];
    await em.transactional(async (tx) => {
      const txm = tx as EntityManager;
      const moved = await txm.nativeUpdate(LoginFlow, { id: flow.id, tenant: r.tenantId, state: 'identify' }, { state: 'completed', otp: null, userId });
      assertThat(moved === 1, () => outOfOrder('this step was already answered'));
      const changed = await txm.nativeUpdate(User, { id: userId, tenant: r.tenantId, status: 'active' }, { passwordHash, emailVerified: true, updatedAt: new Date() });
      assertThat(changed === 1, () => invalid('this account cannot be recovered (it is no longer active)', 'email'));
      if (revoke) {
        ended = await this.deps.sessions.endSessions(ctx, txm, { subjects: [userId] }, 'password_reset');
        await this.deps.consents.revokeWithTokens(txm, r.tenantId, [userId], null);
      }
      recordEvent(txm, { tenantId: r.tenantId, type: 'User.Password.Changed', actor, requestId: r.requestId, target: { type: 'User', id: userId }, payload: { userId, via: 'recovery' } });
      recordEvent(txm, { tenantId: r.tenantId, type: 'User.Password.Reset.Completed', actor, requestId: r.requestId, target: { type: 'User', id: userId }, payload: { userId, sessionsRevoked: revoke } });
      await txm.flush();
    });
    await notifyOutbox(em);
    await this.deps.sessions.notifyEnded(ctx, ended);
    if (progress.email) await this.engine.deps.throttle.clear(r.tenantId, progress.email);
    return { state: 'completed', user_id: userId, sessions_revoked: revoke };
  }
}
