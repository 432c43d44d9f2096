import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { dummyPasswordHash, verifyPassword } from '../../crypto/password.js';
import { randomToken, uuid } from '../../crypto/random.js';
import { safeEqualStrings, sha256Hex } from '../../crypto/secrets.js';
import { numericCode } from '../../crypto/totp.js';
import { tenantEm } from '../../db/tenant-em.js';
import { eventInsertSql, notifyOutbox, recordEvent, type EventInput } from '../../events/outbox.js';
import { ACR, acrFor, acrLevel, requiredAcrLevel } from '../../protocol/interaction/acr.js';
import type { LogoutNotifier } from '../../protocol/ports.js';
import type { BrowserSessionStore } from '../session/index.js';
import { assertThat } from '../../shared/domain-error.js';
import type { Actor } from '../../shared/request-context.js';
import { TtlCache } from '../../shared/ttl-cache.js';
import { E164, EMAIL, maskEmail, maskPhone, str } from './inputs.js';
import type { InteractionService } from '../interaction/index.js';
import type { MailTransport, SmsTransport } from '../notification/index.js';
import { Tenant } from '../tenant/tenant.entity.js';
import { User } from '../user/user.entity.js';
import { LoginFlow, type FlowPurpose, type PendingOtp } from './authn.entity.js';
import { passwordVerifications } from './authn.metrics.js';
import { AuthnError, AuthnErrorCode } from './authn.errors.js';
import type { FactorService, TotpEnrolment } from './factors.service.js';
import type { LoginThrottle } from './throttle.js';
import { loadSignInFacts, networkOf, rememberDevice, rememberDeviceSql, riskSignals, type SignInFacts } from './risk.js';
import { findSignInUser, type SignInUser } from './sign-in-user.js';

/**
 * The authentication engine: a login is a sequence of steps on one `login_flow` row.
 *
 * ```mermaid
 * stateDiagram-v2
 *   [*] --> identify: start (no user yet)
 *   [*] --> second_factor: start with a session below the requested acr (step-up)
 *   identify --> identify: a code or link is sent (email_otp, phone_otp, magic_link)
 *   identify --> second_factor: first factor proven, policy or risk asks for MFA, a factor is enrolled
 *   identify --> enroll_mfa: first factor proven, policy demands MFA, none enrolled
 *   identify --> authenticated: first factor proven, nothing more needed
 *   second_factor --> authenticated: totp, recovery_code, passkey, email_otp or phone_otp proven
 *   enroll_mfa --> authenticated: TOTP enrolled and its first code proven
 *   authenticated --> completed: complete (login challenge accepted, or an SSO session created)
 *   identify --> failed: too many wrong codes
 *   second_factor --> failed: too many wrong codes
 * ```
 *
 * Rules: a step is accepted only in its state (otherwise STEP_OUT_OF_ORDER, nothing changes);
 * every "use once" (codes, links, TOTP steps, recovery codes, the final hand-over) is a
 * conditional UPDATE; wrong answers count, and at `MAX_FAILURES` the flow is destroyed; known
 * and unknown identifiers get the same answers (and a dummy hash for equal timing). The hosted
 * pages and the headless flow API (src/app/authn-routes.ts) both drive this class.
 */
export const FLOW_TTL_SECONDS = 15 * 60;
export const OTP_TTL_SECONDS = 10 * 60;
export const MAX_FAILURES = 5;
export const FIRST_FACTORS = ['password', 'email_otp', 'magic_link', 'phone_otp', 'passkey', 'anonymous'] as const;
export const SECOND_FACTORS = ['totp', 'recovery_code', 'passkey', 'email_otp', 'phone_otp'] as const;

export interface FlowRequest {
  tenantId: string;
  slug: string;
  ip: string | null;
  userAgent: string | null;
  /** The browser's long-lived device cookie (adaptive MFA), if it sent one. */
  deviceToken: string | null;
  requestId?: string;
}

export interface FlowView {
  flow_id: string;
  purpose: FlowPurpose;
  state: LoginFlow['state'];
  expires_at: string;
  user: { id: string; email: string | null; anonymous: boolean } | null;
  amr: string[];
  acr: string | null;
  mfa_required: boolean;
  mfa_reasons: string[];
  /** What may be sent to /authenticate next (or `complete`). */
  methods: string[];
  pending: { channel: PendingOtp['channel']; destination: string; expires_at: string } | null;
  /** Set when the flow serves an authorization request. */
  login_challenge_bound: boolean;
}

export type AuthenticateInput = { method: string } & Record<string, unknown>;

export interface StepResult {
  view: FlowView;
  /** Recovery codes minted by a TOTP enrolment during sign-in: shown once, never stored in clear. */
  recoveryCodes?: string[];
}

export interface CompleteResult {
  /** Where to send the browser (authorization request flows). */
  redirectTo?: string;
  /** A new SSO session (flows without an authorization request: portal, headless). */
  session?: { id: string; token: string; ttlSeconds: number; remember: boolean };
  userId: string;
  /** What was proven (RFC 8176) and the acr it amounts to. */
  amr: string[];
  acr: string;
}

export interface AuthnDeps {
  orm: MikroORM;
  throttle: LoginThrottle;
  factors: FactorService;
  interactions: InteractionService;
  sessions: BrowserSessionStore;
  /** Back-channel logout when a browser's session of another user is replaced. */
  logout?: LogoutNotifier;
  mail: MailTransport;
  sms: SmsTransport;
  issuerUrl: (slug: string) => string;
  /** Passkey sign-in (passkeys.service.ts): verifies an assertion for this flow's challenge. */
  passkeys?: PasskeyVerifier;
}

/** What the engine needs from the passkey service. */
export interface PasskeyVerifier {
  /** Verifies a WebAuthn assertion against `challenge`; the user it proves, and whether UV was done. */
  verifyAssertion(em: EntityManager, tenant: Tenant, challenge: string, response: unknown, expectedUserId: string | null): Promise<{ userId: string; userVerified: boolean }>;
}

const notFound = () => new AuthnError(AuthnErrorCode.FLOW_NOT_FOUND, 'the sign-in has expired or does not exist; start again', ['flow']);
const outOfOrder = (what: string) => new AuthnError(AuthnErrorCode.STEP_OUT_OF_ORDER, what, ['method']);
const wrongCode = () => new AuthnError(AuthnErrorCode.INVALID_CODE, 'the code is not right', ['code']);

export class AuthnEngine {
  private readonly tenants = new TtlCache<Tenant>(30_000, 1_000);

  constructor(readonly deps: AuthnDeps) {}

  em(tenantId: string): EntityManager {
    return tenantEm(this.deps.orm, tenantId);
  }

  /** The tenant's settings, cached per process for 30 s; changes drop the copy at once (forgetTenant via the cache bus). */
  async tenant(tenantId: string): Promise<Tenant> {
    return this.tenants.get(tenantId, () => this.em(tenantId).findOneOrFail(Tenant, { id: tenantId }, { filters: false }));
  }

  forgetTenant(tenantId: string): void {
    this.tenants.delete(tenantId);
  }

  private systemActor(r: FlowRequest): Actor {
    return { kind: 'system', id: 'authn', tenantId: r.tenantId };
  }

  // ---------------------------------------------------------------- flow lifecycle

  /**
   * Starts a flow. With a login challenge, the flow serves that authorization request: when the
   * browser's SSO session is only too weak (acr_values asks for more), the user is identified from
   * it and only the second factor is asked (step-up).
   */
  async start(r: FlowRequest, input: { purpose?: FlowPurpose; loginChallenge?: string | null; sessionToken?: string | null; data?: Record<string, unknown> } = {}): Promise<{ flow: LoginFlow; token: string; view: FlowView }> {
    const purpose = input.purpose ?? 'login';
    const tenant = await this.tenant(r.tenantId);
    if (purpose === 'registration') assertThat(tenant.selfRegistration, () => new AuthnError(AuthnErrorCode.REGISTRATION_DISABLED, 'this tenant does not allow sign-up', ['purpose']));
    const em = this.em(r.tenantId);
    const token = randomToken(32);
    let interactionId: string | null = null;
    let requestedAcr: string | null = null;
    let preUser: { userId: string; amr: string[] } | null = null;
    let organization: string | null = null;
    if (input.loginChallenge) {
      const facts = await this.deps.interactions.loginFacts(r.tenantId, input.loginChallenge);
      interactionId = facts.interactionId;
      organization = facts.organization;
      const level = requiredAcrLevel(facts.acrValues);
      requestedAcr = level >= 3 ? ACR.phr : level >= 2 ? ACR.mfa : null;
      const reauth = facts.prompt.includes('login') || facts.maxAge !== null;
      if (!reauth && facts.sessionId && input.sessionToken) {
        const session = await this.deps.sessions.findByToken(r.tenantId, input.sessionToken);
        if (session && session.id === facts.sessionId && acrLevel(session.acr) < level && acrLevel(session.acr) >= 1) preUser = { userId: session.subject, amr: session.amr };
      }
    }
    const flow = em.create(LoginFlow, {
      id: uuid(), tenant: r.tenantId, tokenHash: sha256Hex(token), purpose, state: 'identify', interactionId, requestedAcr,
      ip: r.ip?.slice(0, 64) ?? null, userAgent: r.userAgent?.slice(0, 300) ?? null,
      deviceHash: r.deviceToken ? sha256Hex(r.deviceToken) : null, expiresAt: new Date(Date.now() + FLOW_TTL_SECONDS * 1000),
      data: { ...(input.data ?? {}), ...(organization ? { organization } : {}) },
    });
    await em.flush();
    if (preUser) {
      const user = await em.findOne(User, { id: preUser.userId, tenant: r.tenantId });
      if (user?.status === 'active') await this.identified(r, tenant, flow, user, preUser.amr.filter((a) => a !== 'mfa'), { stepUp: true });
    }
    return { flow, token, view: await this.view(tenant, flow) };
  }

  /** The live flow a token names (not expired, not finished), or FLOW_NOT_FOUND / FLOW_FAILED. */
  async load(tenantId: string, token: string | null | undefined): Promise<LoginFlow> {
    assertThat(typeof token === 'string' && /^[A-Za-z0-9_-]{43}$/.test(token), notFound);
    const flow = await this.em(tenantId).findOne(LoginFlow, { tokenHash: sha256Hex(token), tenant: tenantId, expiresAt: { $gt: new Date() } });
    assertThat(flow && flow.state !== 'completed', notFound);
    assertThat(flow.state !== 'failed', () => new AuthnError(AuthnErrorCode.FLOW_FAILED, 'this sign-in was stopped after too many wrong answers; start again', ['flow']));
    return flow;
  }

  /** `load` for the sign-in steps: a registration or recovery flow answers only its own endpoints. */
  private async loadLogin(tenantId: string, token: string | null | undefined): Promise<LoginFlow> {
    const flow = await this.load(tenantId, token);
    assertThat(flow.purpose === 'login', () => outOfOrder(`this is a ${flow.purpose} flow: use /authentication/${flow.purpose}/… for its steps`));
    return flow;
  }

  async status(r: FlowRequest, token: string | null | undefined): Promise<FlowView> {
    const flow = await this.load(r.tenantId, token);
    return this.view(await this.tenant(r.tenantId), flow);
  }

  async view(tenant: Tenant, flow: LoginFlow, known?: SignInUser): Promise<FlowView> {
    const em = this.em(tenant.id);
    const user = !flow.userId ? null : known?.id === flow.userId ? known : await em.findOne(User, { id: flow.userId, tenant: tenant.id });
    return {
      flow_id: flow.id, purpose: flow.purpose, state: flow.state, expires_at: flow.expiresAt.toISOString(),
      user: user ? { id: user.id, email: user.isAnonymous ? null : user.email, anonymous: user.isAnonymous } : null,
      amr: flow.amr, acr: flow.amr.length ? acrFor(flow.amr) : null,
      mfa_required: flow.mfaRequired, mfa_reasons: flow.mfaReasons,
      methods: await this.nextMethods(tenant, flow, user ?? undefined),
      pending: flow.otp ? { channel: flow.otp.channel, destination: flow.otp.destination, expires_at: new Date(flow.otp.expiresAt * 1000).toISOString() } : null,
      login_challenge_bound: flow.interactionId !== null,
    };
  }

  /** What the flow accepts next, in the tenant's order. */
  async nextMethods(tenant: Tenant, flow: LoginFlow, user?: SignInUser): Promise<string[]> {
    switch (flow.state) {
      case 'identify':
        // Registration and recovery flows have their own steps (registration.service.ts, recovery.service.ts).
        return flow.purpose === 'login' ? tenant.authMethods.filter((m) => (FIRST_FACTORS as readonly string[]).includes(m)) : [];
      case 'second_factor': {
        return this.availableSecondFactors(tenant, flow, user);
      }
      case 'enroll_mfa':
        return ['totp'];
      case 'authenticated':
        return ['complete'];
      default:
        return [];
    }
  }

  private async availableSecondFactors(tenant: Tenant, flow: Pick<LoginFlow, 'userId' | 'amr'>, known?: SignInUser, enrolledKinds?: string[]): Promise<string[]> {
    const enrolled = enrolledKinds ? [...enrolledKinds] : await this.deps.factors.secondFactorMethods(this.em(tenant.id), tenant.id, flow.userId!);
    const user = known && known.id === flow.userId ? known : await this.em(tenant.id).findOneOrFail(User, { id: flow.userId!, tenant: tenant.id });
    // A code to an address only counts as a second factor when it is not the first one again.
    if (user.emailVerified && !user.isAnonymous && !flow.amr.includes('email')) enrolled.push('email_otp');
    if (user.phoneNumber && user.phoneNumberVerified && !flow.amr.includes('sms')) enrolled.push('phone_otp');
    return tenant.mfaMethods.filter((m) => enrolled.includes(m) && !(m === 'passkey' && flow.amr.includes('hwk')));
  }

  // ---------------------------------------------------------------- steps

  async authenticate(r: FlowRequest, token: string | null | undefined, input: AuthenticateInput): Promise<StepResult> {
    const flow = await this.loadLogin(r.tenantId, token);
    const tenant = await this.tenant(r.tenantId);
    const method = str(input?.method, 40) ?? '';
    const allowed = await this.nextMethods(tenant, flow);
    if (flow.state === 'authenticated') throw outOfOrder('all factors are proven already: complete the sign-in');
    assertThat(allowed.includes(method), () => (FIRST_FACTORS as readonly string[]).includes(method) || (SECOND_FACTORS as readonly string[]).includes(method)
      ? outOfOrder(`"${method}" cannot be used at this step (expected one of: ${allowed.join(', ') || 'none'})`)
      : new AuthnError(AuthnErrorCode.METHOD_NOT_ALLOWED, `unknown or disabled method "${method.slice(0, 40)}"`, ['method']));
    const second = flow.state === 'second_factor';
    switch (method) {
      case 'password':
        return { view: await this.password(r, tenant, flow, input) };
      case 'email_otp':
      case 'phone_otp':
      case 'magic_link':
        return { view: await this.sendCode(r, tenant, flow, method, input, second) };
      case 'totp':
        return flow.state === 'enroll_mfa' ? this.confirmEnrolment(r, tenant, flow, input) : { view: await this.totp(r, tenant, flow, input) };
      case 'recovery_code':
        return { view: await this.recoveryCode(r, tenant, flow, input) };
      case 'passkey':
        return { view: await this.passkey(r, tenant, flow, input) };
      case 'anonymous':
        return { view: await this.anonymous(r, tenant, flow) };
      default:
        throw new AuthnError(AuthnErrorCode.METHOD_NOT_ALLOWED, `unknown method "${method.slice(0, 40)}"`, ['method']);
    }
  }

  private async password(r: FlowRequest, tenant: Tenant, flow: LoginFlow, input: AuthenticateInput): Promise<FlowView> {
    const { user, facts, released } = await this.checkPassword(r, tenant, input.email, input.password);
    await Promise.all([released, this.identified(r, tenant, flow, user, ['pwd'], { facts: flow.deviceHash === (r.deviceToken ? sha256Hex(r.deviceToken) : null) ? facts : undefined })]);
    return this.view(tenant, flow, user);
  }

  /**
   * Email + password, throttled (throttle.ts) before any hash is computed; unknown accounts cost
   * one verification against a dummy hash. The user, or INVALID_CREDENTIALS / TOO_MANY_ATTEMPTS
   * (Login.Failed, and Account.Locked when this failure locks the identifier).
   */
  private async checkPassword(r: FlowRequest, tenant: Tenant, rawEmail: unknown, rawPassword: unknown): Promise<{ user: SignInUser; facts: SignInFacts; released: Promise<unknown> }> {
    const email = str(rawEmail, 320)?.trim().toLowerCase() ?? '';
    const password = str(rawPassword) ?? '';
    assertThat(EMAIL.test(email), () => new AuthnError(AuthnErrorCode.INVALID_REQUEST, 'enter a valid email address', ['email']));
    assertThat(password.length > 0, () => new AuthnError(AuthnErrorCode.INVALID_REQUEST, 'enter your password', ['password']));
    const reservation = await this.deps.throttle.reserve(r.tenantId, email, r.ip, tenant.lockoutThreshold);
    if (!reservation.ok) {
      // One message whether locked or merely busy (Retry-After tells the wait).
      throw new AuthnError(AuthnErrorCode.TOO_MANY_ATTEMPTS, 'too many sign-in attempts; wait a few minutes and try again', ['email'], reservation.retryAfterSeconds);
    }
    let ok: boolean | null;
    let found: { user: SignInUser; facts: SignInFacts } | undefined;
    try {
      // The user and what the policy decision needs about them, in one statement before the hash.
      found = await findSignInUser(this.deps.orm, r.tenantId, email, r.deviceToken ? sha256Hex(r.deviceToken) : null);
      const hash = found?.user.passwordHash ?? (await dummyPasswordHash());
      passwordVerifications.inc();
      ok = (await verifyPassword(password, hash)) && Boolean(found?.user.passwordHash) && found!.user.status === 'active';
    } catch (err) {
      // No verdict (an error) ends the reservation without counting a failure.
      await reservation.release(null);
      throw err;
    }
    // A success's release goes out with the caller's own write (one wait for both, not two in a row).
    const released = reservation.release(ok);
    const user = found?.user;
    if (!ok) {
      const { justLocked, lockedForSeconds } = await released;
      const em = this.em(r.tenantId);
      const target = user ? { type: 'User', id: user.id } : undefined;
      const who = user ? { userId: user.id } : {};
      recordEvent(em, {
        tenantId: r.tenantId, type: 'Login.Failed', actor: this.systemActor(r), requestId: r.requestId, target,
        payload: { ...who, identifier: email, reason: 'invalid_credentials', ip: r.ip ?? undefined, method: 'password' },
      });
      if (justLocked) {
        recordEvent(em, {
          tenantId: r.tenantId, type: 'Account.Locked', actor: this.systemActor(r), requestId: r.requestId, target,
          payload: { ...who, identifier: email, lockedForSeconds, ip: r.ip ?? undefined },
        });
      }
      await em.flush();
      await notifyOutbox(em);
      throw new AuthnError(AuthnErrorCode.INVALID_CREDENTIALS, 'Incorrect email or password.', ['password']);
    }
    return { ...found!, released };
  }

  /**
   * One-shot password sign-in (`POST /authentication/login`) for clients that would otherwise
   * call start → authenticate → complete: when nothing more is needed it ends at once in an SSO
   * session (no flow row written); when a second factor or an enrolment is due, the flow is
   * stored in that state and returned, to continue with /authenticate like any other. Same
   * throttling, policy, risk and events as the step-by-step flow.
   */
  async loginWithPassword(r: FlowRequest, input: { email?: unknown; password?: unknown; remember?: boolean; previousSessionToken?: string | null }): Promise<{ completed: CompleteResult } | { token: string; view: FlowView }> {
    const tenant = await this.tenant(r.tenantId);
    assertThat(tenant.authMethods.includes('password'), () => new AuthnError(AuthnErrorCode.METHOD_NOT_ALLOWED, 'password sign-in is not enabled for this tenant', ['method']));
    const { user, facts, released } = await this.checkPassword(r, tenant, input.email, input.password);
    const [, out] = await Promise.all([released, this.afterPasswordLogin(r, tenant, user, facts, input)]);
    return out;
  }

  /** The one-shot sign-in after a right password: the session at once, or the flow that goes on. */
  private async afterPasswordLogin(r: FlowRequest, tenant: Tenant, user: SignInUser, facts: SignInFacts, input: { remember?: boolean; previousSessionToken?: string | null }): Promise<{ completed: CompleteResult } | { token: string; view: FlowView }> {
    const draft = { amr: [] as string[], requestedAcr: null, data: {} as Record<string, unknown>, deviceHash: r.deviceToken ? sha256Hex(r.deviceToken) : null, userId: null };
    // A unit of work only when something is written through it (a flow that goes on): a sign-in
    // that ends at once is the account statement, the hash and the session statement.
    let forked: EntityManager | undefined;
    const emOf = () => (forked ??= this.em(r.tenantId));
    const { state, reasons, events } = await this.assess(emOf, r, tenant, draft, user, ['pwd'], { facts });
    if (state === 'authenticated') {
      // A device already remembered on this network needs no write (its row would not change but for last_seen_at).
      const unchanged = facts.deviceKnown && facts.deviceNetwork === networkOf(r.ip);
      return { completed: await this.finishSession(r, tenant, user.id, ['pwd'], input.remember ?? true, input.previousSessionToken ?? null, { deviceHash: unchanged ? null : draft.deviceHash, events }) };
    }
    const token = randomToken(32);
    const em = emOf();
    const flow = em.create(LoginFlow, {
      id: uuid(), tenant: r.tenantId, tokenHash: sha256Hex(token), purpose: 'login', state, interactionId: null, requestedAcr: null,
      userId: user.id, amr: ['pwd'], mfaRequired: reasons.length > 0, mfaReasons: reasons,
      ip: r.ip?.slice(0, 64) ?? null, userAgent: r.userAgent?.slice(0, 300) ?? null, deviceHash: draft.deviceHash,
      expiresAt: new Date(Date.now() + FLOW_TTL_SECONDS * 1000), data: { remember: input.remember ?? true },
    });
    for (const e of events) recordEvent(em, e);
    await em.flush();
    if (events.length) await notifyOutbox(em);
    return { token, view: await this.view(tenant, flow, user) };
  }

  /** Sends an email code, an SMS code or a magic link. Unknown addresses get the same answer (nothing is sent). */
  private async sendCode(r: FlowRequest, tenant: Tenant, flow: LoginFlow, channel: PendingOtp['channel'], input: AuthenticateInput, second: boolean): Promise<FlowView> {
    const em = this.em(r.tenantId);
    let user: User | null;
    let destination: string;
    if (second) {
      user = await em.findOneOrFail(User, { id: flow.userId!, tenant: r.tenantId });
      assertThat(channel !== 'magic_link', () => outOfOrder('a magic link is a first factor'));
      destination = channel === 'email_otp' ? user.email : user.phoneNumber!;
    } else if (channel === 'phone_otp') {
      const phone = str(input.phone_number, 20)?.replace(/[\s()-]/g, '') ?? '';
      assertThat(E164.test(phone), () => new AuthnError(AuthnErrorCode.INVALID_REQUEST, 'enter the phone number in international format (+15551234567)', ['phone_number']));
      user = await em.findOne(User, { phoneNumber: phone, phoneNumberVerified: true, tenant: r.tenantId, status: 'active' });
      destination = phone;
    } else {
      const email = str(input.email, 320)?.trim().toLowerCase() ?? '';
      assertThat(EMAIL.test(email), () => new AuthnError(AuthnErrorCode.INVALID_REQUEST, 'enter a valid email address', ['email']));
      user = await em.findOne(User, { email, tenant: r.tenantId, status: 'active' });
      destination = email;
    }
    return this.deliverCode(r, tenant, flow, channel, {
      user, address: destination, masked: channel === 'phone_otp' ? maskPhone(destination) : maskEmail(destination),
      sendId: this.deps.throttle.sendId(destination), step: second ? 'second' : 'first',
    });
  }

  /**
   * "Send it again" for the code or link pending in a sign-in: a new one replaces it (the old one
   * stops working), to the same place, counted against the same per-destination and per-address
   * send limits as the first. An unknown address is again sent nothing, with the same answer.
   */
  async resendCode(r: FlowRequest, token: string | null | undefined): Promise<FlowView> {
    const flow = await this.loadLogin(r.tenantId, token);
    const tenant = await this.tenant(r.tenantId);
    const otp = flow.otp;
    assertThat(otp && (otp.step === 'first' || otp.step === 'second'), () => outOfOrder('no code or link is pending in this sign-in (or it expired): ask for one first'));
    assertThat(otp.sendId, () => outOfOrder('this code cannot be sent again: ask for a new one'));
    const user = otp.userId ? await this.em(r.tenantId).findOne(User, { id: otp.userId, tenant: r.tenantId, status: 'active' }) : null;
    const address = !user ? null : (otp.channel === 'phone_otp' ? user.phoneNumber : user.email) ?? null;
    return this.deliverCode(r, tenant, flow, otp.channel, { user: address ? user : null, address, masked: otp.destination, sendId: otp.sendId, step: otp.step });
  }

  /**
   * Puts a new code or link in the flow (replacing any pending one) and, when `to.user` is set,
   * sends it to `to.address`, within the send limits counted under `to.sendId`.
   */
  private async deliverCode(r: FlowRequest, tenant: Tenant, flow: LoginFlow, channel: PendingOtp['channel'],
    to: { user: User | null; address: string | null; masked: string; sendId: string; step: 'first' | 'second' }): Promise<FlowView> {
    const em = this.em(r.tenantId);
    await this.limitSendsById(r, to.sendId);
    const secret = channel === 'magic_link' ? randomToken(32) : numericCode(6);
    const otp: PendingOtp = {
      channel, userId: to.user?.id ?? null, destination: to.masked, sendId: to.sendId,
      codeHash: this.codeHash(flow.id, secret), expiresAt: Math.floor(Date.now() / 1000) + OTP_TTL_SECONDS, step: to.step,
    };
    await em.nativeUpdate(LoginFlow, { id: flow.id, tenant: r.tenantId, state: flow.state }, { otp });
    flow.otp = otp;
    const { user, address } = to;
    if (user && address) {
      const link = `${this.deps.issuerUrl(r.slug)}/login/magic?token=${secret}`;
      if (channel === 'phone_otp') await this.deps.sms.send({ to: address, text: `${secret} is your ${tenant.name} sign-in code. It expires in 10 minutes.` }, { tenantId: r.tenantId });
      else await this.deps.mail.send(channel === 'magic_link' ? {
        to: address, subject: `Sign in to ${tenant.name}`,
        text: `Open this link in the browser where you asked for it to sign in to ${tenant.name}:\n\n${link}\n\nIt works once and expires in 10 minutes. If you did not ask for it, ignore this message.`,
      } : {
        to: address, subject: `${secret} is your ${tenant.name} sign-in code`,
        text: `Your sign-in code for ${tenant.name} is ${secret}. It expires in 10 minutes. If you did not ask for it, ignore this message.`,
      }, { tenantId: r.tenantId });
      recordEvent(em, channel === 'magic_link'
        ? { tenantId: r.tenantId, type: 'MagicLink.Sent', actor: this.systemActor(r), requestId: r.requestId, target: { type: 'User', id: user.id }, payload: { userId: user.id } }
        : { tenantId: r.tenantId, type: 'Mfa.Challenge.Issued', actor: this.systemActor(r), requestId: r.requestId, target: { type: 'User', id: user.id }, payload: { userId: user.id, factor: channel, challengeId: flow.id } });
      await em.flush();
      await notifyOutbox(em);
    }
    return this.view(tenant, flow);
  }

  /** Refuses a send past the per-destination / per-address limits (TOO_MANY_ATTEMPTS with Retry-After). */
  async limitSends(r: FlowRequest, destination: string): Promise<void> {
    await this.limitSendsById(r, this.deps.throttle.sendId(destination));
  }

  private async limitSendsById(r: FlowRequest, sendId: string): Promise<void> {
    const wait = await this.deps.throttle.sendAllowedById(r.tenantId, sendId, r.ip);
    if (wait !== null) throw new AuthnError(AuthnErrorCode.TOO_MANY_ATTEMPTS, 'too many codes were sent; wait a few minutes and try again', ['email'], wait);
  }

  private codeHash(flowId: string, secret: string): string {
    return sha256Hex(`signet:otp:${flowId}:${secret}`);
  }

  /** `/verify-otp`: the code from the email or SMS sent at this step. */
  async verifyOtp(r: FlowRequest, token: string | null | undefined, input: { code?: unknown }): Promise<StepResult> {
    const flow = await this.loadLogin(r.tenantId, token);
    const tenant = await this.tenant(r.tenantId);
    assertThat(flow.otp && flow.otp.channel !== 'magic_link', () => outOfOrder('no code was sent at this step; ask for one first'));
    const code = str(input?.code, 12)?.replace(/\s/g, '') ?? '';
    assertThat(/^\d{6}$/.test(code), () => new AuthnError(AuthnErrorCode.INVALID_REQUEST, 'enter the 6-digit code', ['code']));
    return { view: await this.consumeOtp(r, tenant, flow, this.codeHash(flow.id, code)) };
  }

  /**
   * A magic link, opened in the browser that asked for it: `flowToken` comes from that browser's
   * flow cookie. Opened elsewhere, it is refused (WRONG_BROWSER) and stays usable where it belongs.
   */
  async consumeMagicLink(r: FlowRequest, flowToken: string | null | undefined, linkToken: string): Promise<{ view: FlowView; flow: LoginFlow }> {
    assertThat(/^[A-Za-z0-9_-]{43}$/.test(linkToken ?? ''), () => new AuthnError(AuthnErrorCode.INVALID_CODE, 'this sign-in link is not valid', ['token']));
    const em = this.em(r.tenantId);
    const flow = await this.load(r.tenantId, flowToken).catch(() => null);
    if (!flow || flow.otp?.channel !== 'magic_link' || !safeEqualStrings(flow.otp.codeHash, this.codeHash(flow.id, linkToken))) {
      const rows = await em.getConnection().execute<{ id: string; otp: PendingOtp }[]>(
        "select id, otp from login_flow where tenant_id = ? and expires_at > now() and state not in ('completed', 'failed') and otp->>'channel' = 'magic_link' and created_at > now() - interval '1 hour'",
        [r.tenantId], 'all');
      const elsewhere = rows.some((row) => safeEqualStrings(row.otp.codeHash, this.codeHash(row.id, linkToken)));
      throw elsewhere
        ? new AuthnError(AuthnErrorCode.WRONG_BROWSER, 'open this link in the browser where you asked for it', ['token'])
        : new AuthnError(AuthnErrorCode.INVALID_CODE, 'this sign-in link is not valid, expired or already used; ask for a new one', ['token']);
    }
    const tenant = await this.tenant(r.tenantId);
    return { view: await this.consumeOtp(r, tenant, flow, this.codeHash(flow.id, linkToken)), flow };
  }

  private async consumeOtp(r: FlowRequest, tenant: Tenant, flow: LoginFlow, presentedHash: string): Promise<FlowView> {
    const otp = flow.otp!;
    const em = this.em(r.tenantId);
    if (otp.expiresAt < Date.now() / 1000) {
      await em.nativeUpdate(LoginFlow, { id: flow.id, tenant: r.tenantId }, { otp: null });
      throw new AuthnError(AuthnErrorCode.CODE_EXPIRED, 'the code has expired; ask for a new one', ['code']);
    }
    if (!otp.userId || !safeEqualStrings(otp.codeHash, presentedHash)) return this.wrongAnswer(r, flow, otp.step === 'second' ? otp.channel : null, wrongCode());
    // Single use: only the request that clears this exact code goes on.
    const taken = await em.getConnection().execute(
      "update login_flow set otp = null, updated_at = now() where id = ? and tenant_id = ? and otp->>'codeHash' = ?",
      [flow.id, r.tenantId, otp.codeHash], 'run') as { affectedRows?: number };
    assertThat((taken.affectedRows ?? 0) === 1, wrongCode);
    flow.otp = null;
    const user = await em.findOneOrFail(User, { id: otp.userId, tenant: r.tenantId });
    const amr = otp.channel === 'phone_otp' ? ['sms'] : ['otp', 'email'];
    if (otp.channel !== 'phone_otp' && !user.emailVerified) await em.nativeUpdate(User, { id: user.id, tenant: r.tenantId }, { emailVerified: true });
    if (otp.step === 'second') await this.secondFactorProven(r, tenant, flow, amr, otp.channel);
    else await this.identified(r, tenant, flow, user, amr);
    return this.view(tenant, flow);
  }

  private async totp(r: FlowRequest, tenant: Tenant, flow: LoginFlow, input: AuthenticateInput): Promise<FlowView> {
    const code = str(input.code, 12)?.replace(/\s/g, '') ?? '';
    assertThat(/^\d{6}$/.test(code), () => new AuthnError(AuthnErrorCode.INVALID_REQUEST, 'enter the 6-digit code from your authenticator app', ['code']));
    const ok = await this.deps.factors.verifyTotpCode(this.em(r.tenantId), r.tenantId, flow.userId!, code);
    if (!ok) return this.wrongAnswer(r, flow, 'totp', wrongCode());
    await this.secondFactorProven(r, tenant, flow, ['otp'], 'totp');
    return this.view(tenant, flow);
  }

  private async recoveryCode(r: FlowRequest, tenant: Tenant, flow: LoginFlow, input: AuthenticateInput): Promise<FlowView> {
    const code = str(input.code, 40) ?? '';
    assertThat(code.trim().length > 0, () => new AuthnError(AuthnErrorCode.INVALID_REQUEST, 'enter one of your recovery codes', ['code']));
    const ok = await this.deps.factors.useRecoveryCode(this.em(r.tenantId), r.tenantId, flow.userId!, code);
    if (!ok) return this.wrongAnswer(r, flow, 'recovery_code', new AuthnError(AuthnErrorCode.INVALID_CODE, 'that recovery code is not right or was already used', ['code']));
    await this.secondFactorProven(r, tenant, flow, ['rc'], 'recovery_code');
    return this.view(tenant, flow);
  }

  private async passkey(r: FlowRequest, tenant: Tenant, flow: LoginFlow, input: AuthenticateInput): Promise<FlowView> {
    assertThat(this.deps.passkeys, () => new AuthnError(AuthnErrorCode.METHOD_NOT_ALLOWED, 'passkeys are not available', ['method']));
    const challenge = flow.webauthnChallenge;
    assertThat(challenge, () => outOfOrder('ask for passkey options first'));
    const em = this.em(r.tenantId);
    // The challenge is single use whatever the outcome.
    const taken = await em.nativeUpdate(LoginFlow, { id: flow.id, tenant: r.tenantId, webauthnChallenge: challenge }, { webauthnChallenge: null });
    assertThat(taken === 1, () => outOfOrder('ask for passkey options first'));
    let proven: { userId: string; userVerified: boolean };
    try {
      proven = await this.deps.passkeys.verifyAssertion(em, tenant, challenge, input.response, flow.userId ?? null);
    } catch (err) {
      const message = err instanceof AuthnError ? err.message : 'the passkey response could not be verified';
      return this.wrongAnswer(r, flow, flow.state === 'second_factor' ? 'passkey' : null, new AuthnError(AuthnErrorCode.WEBAUTHN_FAILED, message, ['response']));
    }
    const amr = proven.userVerified ? ['hwk', 'user'] : ['hwk'];
    if (flow.state === 'second_factor') {
      await this.secondFactorProven(r, tenant, flow, amr, 'passkey');
    } else {
      const user = await em.findOne(User, { id: proven.userId, tenant: r.tenantId });
      assertThat(user?.status === 'active', () => new AuthnError(AuthnErrorCode.WEBAUTHN_FAILED, 'this passkey cannot sign in', ['response']));
      await this.identified(r, tenant, flow, user, amr);
    }
    return this.view(tenant, flow);
  }

  /** Remembers a choice made on a page for later steps (e.g. "keep me signed in"). */
  async setData(tenantId: string, flow: LoginFlow, patch: Record<string, unknown>): Promise<void> {
    flow.data = { ...flow.data, ...patch };
    await this.em(tenantId).nativeUpdate(LoginFlow, { id: flow.id, tenant: tenantId }, { data: flow.data });
  }

  /** Stores a fresh WebAuthn challenge on the flow (the passkey service builds the options). */
  async setWebauthnChallenge(tenantId: string, flow: LoginFlow, challenge: string): Promise<void> {
    await this.em(tenantId).nativeUpdate(LoginFlow, { id: flow.id, tenant: tenantId }, { webauthnChallenge: challenge });
    flow.webauthnChallenge = challenge;
  }

  private async anonymous(r: FlowRequest, tenant: Tenant, flow: LoginFlow): Promise<FlowView> {
    const em = this.em(r.tenantId);
    const id = uuid();
    const user = em.create(User, { id, tenant: r.tenantId, email: `anonymous+${id}@anonymous.invalid`, isAnonymous: true, status: 'active' } as never);
    recordEvent(em, { tenantId: r.tenantId, type: 'User.Anonymous.Created', actor: this.systemActor(r), requestId: r.requestId, target: { type: 'User', id }, payload: { userId: id } });
    await em.flush();
    await notifyOutbox(em);
    await this.identified(r, tenant, flow, user, ['anon']);
    return this.view(tenant, flow);
  }

  /** A wrong answer: counted; at MAX_FAILURES the flow is destroyed. Throws `error` (or FLOW_FAILED). */
  private async wrongAnswer(r: FlowRequest, flow: LoginFlow, secondFactor: string | null, error: AuthnError): Promise<never> {
    const em = this.em(r.tenantId);
    const rows = await em.getConnection().execute<{ failures: number }[]>(
      `update login_flow set failures = failures + 1, state = case when failures + 1 >= ? then 'failed' else state end, otp = case when failures + 1 >= ? then null else otp end, updated_at = now()
       where id = ? and tenant_id = ? returning failures`, [MAX_FAILURES, MAX_FAILURES, flow.id, r.tenantId], 'all');
    const failures = rows[0]?.failures ?? MAX_FAILURES;
    if (secondFactor && flow.userId) {
      recordEvent(em, {
        tenantId: r.tenantId, type: 'Mfa.Challenge.Failed', actor: this.systemActor(r), requestId: r.requestId, target: { type: 'User', id: flow.userId },
        payload: { userId: flow.userId, factor: secondFactor, challengeId: flow.id, reason: failures >= MAX_FAILURES ? 'too_many_failures' : 'wrong_answer' },
      });
    } else {
      recordEvent(em, {
        tenantId: r.tenantId, type: 'Login.Failed', actor: this.systemActor(r), requestId: r.requestId,
        payload: { reason: failures >= MAX_FAILURES ? 'too_many_failures' : 'invalid_code', ip: r.ip ?? undefined },
      });
    }
    await em.flush();
    await notifyOutbox(em);
    if (failures >= MAX_FAILURES) throw new AuthnError(AuthnErrorCode.FLOW_FAILED, 'too many wrong answers: this sign-in was stopped; start again', ['code']);
    throw error;
  }

  // ---------------------------------------------------------------- policy

  /**
   * The first factor is proven: decide whether (and why) a second is needed. Reasons: tenant
   * policy, a role in the tenant's MFA role list, the client's acr_values, and adaptive risk
   * (new device or network, only when the user has a second factor to answer with).
   */
  private async identified(r: FlowRequest, tenant: Tenant, flow: LoginFlow, user: SignInUser, amr: string[], opts: { stepUp?: boolean; facts?: SignInFacts } = {}): Promise<void> {
    const em = this.em(r.tenantId);
    if (flow.userId && flow.userId !== user.id) throw outOfOrder('this sign-in belongs to another account');
    const { state, reasons, events } = await this.assess(() => em, r, tenant, flow, user, amr, opts);
    const moved = await em.nativeUpdate(LoginFlow, { id: flow.id, tenant: r.tenantId, state: flow.state }, {
      userId: user.id, amr, state, mfaRequired: reasons.length > 0, mfaReasons: reasons, otp: null,
    });
    assertThat(moved === 1, () => outOfOrder('this step was already answered'));
    Object.assign(flow, { userId: user.id, amr, state, mfaRequired: reasons.length > 0, mfaReasons: reasons, otp: null });
    if (events.length) {
      for (const e of events) recordEvent(em, e);
      await em.flush();
      await notifyOutbox(em);
    }
  }

  /**
   * The policy decision after a first factor (nothing persisted): the next state, its reasons,
   * and the events to write with whatever the caller persists (Risk.Elevated).
   */
  private async assess(emOf: () => EntityManager, r: FlowRequest, tenant: Tenant, flow: Pick<LoginFlow, 'amr' | 'requestedAcr' | 'data' | 'deviceHash' | 'userId'>, user: SignInUser, amr: string[], opts: { stepUp?: boolean; facts?: SignInFacts } = {}): Promise<{ state: 'second_factor' | 'enroll_mfa' | 'authenticated'; reasons: string[]; events: EventInput[] }> {
    const reasons: string[] = [];
    const strongFirst = amr.includes('hwk') && amr.includes('user');
    if (!amr.includes('anon') && !strongFirst) {
      if (tenant.mfaPolicy === 'required') reasons.push('tenant_policy');
      if (tenant.mfaRequiredRoles.length && await this.holdsRole(emOf(), r.tenantId, user.id, tenant.mfaRequiredRoles)) reasons.push('role_policy');
      if (acrLevel(flow.requestedAcr) >= 2) reasons.push('acr_values');
      if (typeof flow.data.organization === 'string' && await this.organizationRequiresMfa(emOf(), r.tenantId, flow.data.organization)) reasons.push('organization_policy');
    }
    const adaptive = !amr.includes('anon') && !strongFirst && tenant.adaptiveMfa && !opts.stepUp;
    // One round trip on the sign-in hot path: the enrolled factors and the device's history together.
    const facts = opts.facts ?? (adaptive ? await loadSignInFacts(emOf(), r.tenantId, user.id, flow.deviceHash ?? null) : null);
    const secondFactors = amr.includes('anon') ? [] : await this.availableSecondFactors(tenant, { ...flow, userId: user.id, amr }, user, facts?.factorKinds);
    const events: EventInput[] = [];
    const risk = adaptive && facts ? { signals: riskSignals(facts, r.ip) } : null;
    if (risk) {
      if (risk.signals.length) {
        if (secondFactors.length) reasons.push('risk');
        events.push({
          tenantId: r.tenantId, type: 'Risk.Elevated', actor: this.systemActor(r), requestId: r.requestId, target: { type: 'User', id: user.id },
          payload: { userId: user.id, signals: risk.signals, secondFactorRequired: secondFactors.length > 0, ip: r.ip ?? undefined },
        });
      }
    }
    const hard = reasons.some((x) => x !== 'risk');
    const state = reasons.length && secondFactors.length ? 'second_factor'
      : hard && tenant.mfaMethods.includes('totp') ? 'enroll_mfa'
        : 'authenticated';
    assertThat(!(hard && state === 'authenticated'), () => new AuthnError(AuthnErrorCode.METHOD_NOT_ALLOWED, 'a second factor is required but none can be used; ask an administrator', ['method']));
    return { state, reasons, events };
  }

  private async organizationRequiresMfa(em: EntityManager, tenantId: string, organizationId: string): Promise<boolean> {
    if (!/^[0-9a-f-]{36}$/.test(organizationId)) return false;
    const rows = await em.getConnection().execute<{ mfa_required: boolean }[]>('select mfa_required from organization where tenant_id = ? and id = ?', [tenantId, organizationId], 'all');
    return rows[0]?.mfa_required === true;
  }

  private async holdsRole(em: EntityManager, tenantId: string, userId: string, roles: string[]): Promise<boolean> {
    const rows = await em.getConnection().execute<{ one: number }[]>(
      `select 1 as one from role_assignment ra join role r on r.id = ra.role_id
       where ra.tenant_id = ? and r.name = any(?::text[]) and (ra.user_id = ? or ra.group_id in (select group_id from group_member where user_id = ?)) limit 1`,
      [tenantId, `{${roles.map((x) => `"${x.replace(/["\\]/g, '')}"`).join(',')}}`, userId, userId], 'all');
    return rows.length > 0;
  }

  private async secondFactorProven(r: FlowRequest, tenant: Tenant, flow: LoginFlow, amr: string[], factor: string): Promise<void> {
    const em = this.em(r.tenantId);
    const all = [...new Set([...flow.amr, ...amr, 'mfa'])];
    const moved = await em.nativeUpdate(LoginFlow, { id: flow.id, tenant: r.tenantId, state: flow.state }, { amr: all, state: 'authenticated', otp: null });
    assertThat(moved === 1, () => outOfOrder('this step was already answered'));
    Object.assign(flow, { amr: all, state: 'authenticated', otp: null });
    recordEvent(em, {
      tenantId: r.tenantId, type: 'Mfa.Challenge.Verified', actor: this.systemActor(r), requestId: r.requestId, target: { type: 'User', id: flow.userId! },
      payload: { userId: flow.userId!, factor, challengeId: flow.id },
    });
    await em.flush();
    await notifyOutbox(em);
    void tenant;
  }

  // ---------------------------------------------------------------- enrolment during sign-in

  /** In `enroll_mfa`: a new TOTP secret to scan (the next `totp` answer confirms it). */
  async beginEnrolment(r: FlowRequest, token: string | null | undefined): Promise<TotpEnrolment> {
    const flow = await this.loadLogin(r.tenantId, token);
    assertThat(flow.state === 'enroll_mfa', () => outOfOrder('no enrolment is due at this step'));
    const tenant = await this.tenant(r.tenantId);
    const em = this.em(r.tenantId);
    const user = await em.findOneOrFail(User, { id: flow.userId!, tenant: r.tenantId });
    const label = { issuer: tenant.name, account: user.email };
    const pending = typeof flow.data.enrolling === 'string' ? await this.deps.factors.pendingTotp(em, r.tenantId, user.id, flow.data.enrolling, label) : null;
    if (pending) return pending;
    const enrolment = await this.deps.factors.beginTotp(em, r.tenantId, user.id, label);
    await em.nativeUpdate(LoginFlow, { id: flow.id, tenant: r.tenantId }, { data: { ...flow.data, enrolling: enrolment.authenticatorId } });
    return enrolment;
  }

  private async confirmEnrolment(r: FlowRequest, tenant: Tenant, flow: LoginFlow, input: AuthenticateInput): Promise<StepResult> {
    const enrolling = flow.data.enrolling;
    assertThat(typeof enrolling === 'string', () => outOfOrder('start the enrolment first'));
    const em = this.em(r.tenantId);
    let recoveryCodes: string[] | null;
    try {
      ({ recoveryCodes } = await this.deps.factors.confirmTotp(em, r.tenantId, flow.userId!, enrolling, str(input.code, 12)?.replace(/\s/g, '') ?? '',
        { kind: 'user', id: flow.userId!, tenantId: r.tenantId }, r.requestId));
    } catch (err) {
      if (err instanceof AuthnError && err.code === AuthnErrorCode.INVALID_CODE) return this.wrongAnswer(r, flow, 'totp', err);
      throw err;
    }
    await this.secondFactorProven(r, tenant, flow, ['otp'], 'totp');
    return { view: await this.view(tenant, flow), ...(recoveryCodes ? { recoveryCodes } : {}) };
  }

  // ---------------------------------------------------------------- hand-over

  /**
   * Ends the flow: the login challenge is accepted with the acr and amr really proven, or (no
   * authorization request) an SSO session is created. The device is remembered for adaptive MFA.
   */
  async complete(r: FlowRequest, token: string | null | undefined, input: { remember?: boolean; previousSessionToken?: string | null } = {}): Promise<CompleteResult> {
    const flow = await this.load(r.tenantId, token);
    assertThat(flow.state === 'authenticated', () => outOfOrder(flow.state === 'identify' ? 'sign in first' : 'a second factor is still required'));
    const em = this.em(r.tenantId);
    const tenant = await this.tenant(r.tenantId);
    const moved = await em.nativeUpdate(LoginFlow, { id: flow.id, tenant: r.tenantId, state: 'authenticated' }, { state: 'completed' });
    assertThat(moved === 1, notFound);
    const userId = flow.userId!;
    const remember = input.remember ?? flow.data.remember !== false;
    if (flow.interactionId) {
      if (flow.deviceHash) await rememberDevice(em, r.tenantId, userId, flow.deviceHash, r.ip, r.userAgent);
      const { redirect_to } = await this.deps.interactions.acceptLogin(r.tenantId, r.slug, { interactionId: flow.interactionId }, {
        subject: userId, remember, acr: acrFor(flow.amr), amr: flow.amr,
      }, { kind: 'user', id: userId, tenantId: r.tenantId }, r.requestId);
      return { redirectTo: redirect_to, userId, amr: flow.amr, acr: acrFor(flow.amr) };
    }
    return this.finishSession(r, tenant, userId, flow.amr, remember, input.previousSessionToken ?? null, { deviceHash: flow.deviceHash ?? null, events: [] });
  }

  /**
   * A proven sign-in without an authorization request becomes an SSO session. The browser's
   * earlier session is replaced, not left live beside the new one (another user's session also
   * gets its back-channel logout). Emits Login.Succeeded.
   */
  private async finishSession(r: FlowRequest, tenant: Tenant, userId: string, amr: string[], remember: boolean, previousSessionToken: string | null,
    also: { deviceHash: string | null; events: EventInput[] }): Promise<CompleteResult> {
    const acr = acrFor(amr);
    const previous = previousSessionToken ? await this.deps.sessions.endByToken(r.tenantId, previousSessionToken) : undefined;
    if (previous) {
      if (previous.subject !== userId) await this.deps.logout?.backchannelLogout(r.tenantId, { sid: previous.id, subject: previous.subject });
    }
    const ttl = tenant.sessionTtl;
    // One statement: the session, the remembered device, the events (Login.Succeeded and any
    // Risk.Elevated) and the relay's wake-up, atomically.
    const { session, token: sessionToken } = await this.deps.sessions.createRecorded(r.tenantId, {
      subject: userId, authTime: Math.floor(Date.now() / 1000), acr, amr, ttlSeconds: ttl, ip: r.ip ?? undefined, userAgent: r.userAgent ?? undefined,
    }, {
      build: (sessionId) => [
        ...(also.deviceHash ? [rememberDeviceSql(r.tenantId, userId, also.deviceHash, r.ip, r.userAgent)] : []),
        ...also.events.map(eventInsertSql),
        eventInsertSql({
          tenantId: r.tenantId, type: 'Login.Succeeded', actor: { kind: 'user', id: userId, tenantId: r.tenantId }, requestId: r.requestId, target: { type: 'User', id: userId },
          payload: { userId, amr, acr, sessionId },
        }),
      ],
    });
    return { session: { id: session.id, token: sessionToken, ttlSeconds: ttl, remember }, userId, amr, acr };
  }
}
