import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { hashPassword } from '../../crypto/password.js';
import { randomToken, uuid } from '../../crypto/random.js';
import { sha256Hex } from '../../crypto/secrets.js';
import { notifyOutbox, recordEvent } from '../../events/outbox.js';
import { assertThat } from '../../shared/domain-error.js';
import { passwordProblem, type PasswordPolicy } from '../../shared/password-policy.js';
import type { Actor } from '../../shared/request-context.js';
import type { Tenant } from '../tenant/tenant.entity.js';
import { User } from '../user/user.entity.js';
import { LoginFlow } from './authn.entity.js';
import { FLOW_TTL_SECONDS, type AuthnEngine, type FlowRequest } from './authn.engine.js';
import { AuthnError, AuthnErrorCode } from './authn.errors.js';
import { emailFrom, invalid, newCode, outOfOrder, phoneFrom, saveFlow, takeCode } from './flow-steps.js';
import { maskEmail, maskPhone, str } from './inputs.js';

/**
 * Self-registration and the upgrade of a guest (anonymous) account, as steps of one `login_flow`
 * row (purpose `registration`); progress lives in `data.registration`.
 *
 * ```mermaid
 * stateDiagram-v2
 *   [*] --> email: start (tenant.selfRegistration) / startUpgrade (signed-in guest)
 *   email --> email_verification: address taken → "you already have an account" mail (registration), ALREADY_EXISTS (upgrade)
 *   email_verification --> terms
 *   terms --> profile
 *   profile --> phone_verification: phone_number → SMS code, then code
 *   phone_verification --> credentials
 *   credentials --> authenticated: account created (registration) or guest converted in place (upgrade)
 *   credentials --> completed: registration of a taken address whose email was not verified: nothing created
 *   authenticated --> completed: /authentication/complete (login challenge accepted, or SSO session)
 * ```
 *
 * Each step is `required`, `optional` (`{skip: true}`) or `hidden` (left out) per tenant
 * (tenant.registrationSteps), in this order; the plan is frozen when the flow starts. Rules:
 * - a step is accepted only when it is the next one (STEP_OUT_OF_ORDER otherwise, nothing changes);
 *   steps not in the plan are METHOD_NOT_ALLOWED; a required step cannot be skipped;
 * - a registration never reveals whether an address has an account: a taken address gets the same
 *   pages and answers, its owner gets a "you already have an account" mail instead of a code (no
 *   code can match), and the flow ends without creating anything. When email verification is
 *   hidden or skipped, the end differs (no session), which the tenant accepts by not requiring it;
 * - without a verified email address the password cannot be skipped (the account needs a credential);
 * - an upgrade keeps the user row (same id, same `sub`): email verified by code and a password are
 *   required; a taken address is refused with ALREADY_EXISTS and nothing changes;
 * - the account is created (or converted) and the flow moved to `authenticated` in one transaction,
 *   with User.Created + User.Registered (or User.Anonymous.Upgraded) in the outbox.
 */
export const REGISTRATION_STEPS = ['email', 'email_verification', 'terms', 'profile', 'phone_verification', 'credentials'] as const;
export type RegistrationStepName = (typeof REGISTRATION_STEPS)[number];

interface PlannedStep {
  name: RegistrationStepName;
  requirement: 'required' | 'optional';
}

/** Progress of a registration or upgrade, kept in `login_flow.data.registration`. */
interface Progress {
  kind: 'registration' | 'upgrade';
  plan: PlannedStep[];
  done: RegistrationStepName[];
  skipped: RegistrationStepName[];
  email?: string;
  /** The address already has an account (registration only; never shown). */
  existing?: boolean;
  givenName?: string;
  familyName?: string;
  phone?: string;
  phoneVerified?: boolean;
  /** How the registration ended when nothing was created. */
  outcome?: 'check_email';
}

export interface RegistrationView {
  flow_id: string;
  purpose: 'registration';
  kind: 'registration' | 'upgrade';
  state: LoginFlow['state'];
  expires_at: string;
  /** The step to post next; `complete` when the account exists (POST /authentication/complete); null when the flow ended. */
  step: RegistrationStepName | 'complete' | null;
  steps: Array<PlannedStep & { status: 'pending' | 'done' | 'skipped' }>;
  email: string | null;
  /** A code in flight (its masked destination). */
  pending: { channel: 'email' | 'sms'; destination: string; expires_at: string } | null;
  terms_url: string | null;
  password_policy: { min_length: number; require_classes: string[] };
  login_challenge_bound: boolean;
  /** Set when the flow ended without an account to sign in to (the mail explains what to do). */
  outcome?: 'check_email';
  user_id?: string;
}

export type RegistrationInput = Record<string, unknown>;

const registrationDisabled = () => new AuthnError(AuthnErrorCode.REGISTRATION_DISABLED, 'this tenant does not allow sign-up', ['purpose']);
const emailTaken = () => new AuthnError(AuthnErrorCode.ALREADY_EXISTS, 'an account with this email address already exists: sign in to it instead, or use another address', ['email']);

export function isRegistrationStep(v: string): v is RegistrationStepName {
  return (REGISTRATION_STEPS as readonly string[]).includes(v);
}

export class RegistrationService {
  constructor(private readonly engine: AuthnEngine) {}

  private actor(r: FlowRequest, userId?: string): Actor {
    return userId ? { kind: 'user', id: userId, tenantId: r.tenantId } : { kind: 'system', id: 'registration', tenantId: r.tenantId };
  }

  policy(tenant: Tenant): PasswordPolicy {
    return { minLength: tenant.passwordMinLength, requireClasses: tenant.passwordRequireClasses };
  }

  /** The tenant's steps in order, without the hidden ones; the email is always asked first. */
  private plan(tenant: Tenant): PlannedStep[] {
    const modes = tenant.registrationSteps as Record<string, string>;
    const plan: PlannedStep[] = [{ name: 'email', requirement: 'required' }];
    for (const name of REGISTRATION_STEPS.slice(1)) {
      const mode = modes[name] ?? 'hidden';
      if (mode === 'required' || mode === 'optional') plan.push({ name, requirement: mode });
    }
    return plan;
  }

  private progress(tenant: Tenant, flow: LoginFlow): Progress {
    const p = flow.data.registration as Progress | undefined;
    return p ?? { kind: 'registration', plan: this.plan(tenant), done: [], skipped: [] };
  }

  private next(p: Progress): PlannedStep | undefined {
    return p.plan.find((s) => !p.done.includes(s.name) && !p.skipped.includes(s.name));
  }

  /** Starts a registration (optionally for an authorization request: the login challenge is accepted at the end). */
  async start(r: FlowRequest, input: { loginChallenge?: string | null; returnTo?: string } = {}): Promise<{ flow: LoginFlow; token: string; view: RegistrationView }> {
    const tenant = await this.engine.tenant(r.tenantId);
    assertThat(tenant.selfRegistration, registrationDisabled);
    const progress: Progress = { kind: 'registration', plan: this.plan(tenant), done: [], skipped: [] };
    const { flow, token } = await this.engine.start(r, {
      purpose: 'registration', loginChallenge: input.loginChallenge ?? null,
      data: { registration: progress, ...(input.returnTo ? { returnTo: input.returnTo } : {}) },
    });
    return { flow, token, view: this.view(tenant, flow) };
  }

  /**
   * Starts the upgrade of a signed-in guest: email (verified by code) and password turn the same
   * user row into a full account. Needs the guest's live SSO session (the caller checks it).
   */
  async startUpgrade(r: FlowRequest, input: { userId: string; returnTo?: string }): Promise<{ flow: LoginFlow; token: string; view: RegistrationView }> {
    const tenant = await this.engine.tenant(r.tenantId);
    const em = this.engine.em(r.tenantId);
    const user = await em.findOne(User, { id: input.userId, tenant: r.tenantId });
    assertThat(user && user.status === 'active', () => new AuthnError(AuthnErrorCode.REAUTHENTICATION_REQUIRED, 'sign in as a guest first', ['session']));
    assertThat(user.isAnonymous, () => invalid('this account is already a full account', 'session'));
    const progress: Progress = {
      kind: 'upgrade', done: [], skipped: [],
      plan: [{ name: 'email', requirement: 'required' }, { name: 'email_verification', requirement: 'required' }, { name: 'credentials', requirement: 'required' }],
    };
    const token = randomToken(32);
    const flow = em.create(LoginFlow, {
      id: uuid(), tenant: r.tenantId, tokenHash: sha256Hex(token), purpose: 'registration', state: 'identify', interactionId: null, requestedAcr: null,
      userId: user.id, ip: r.ip?.slice(0, 64) ?? null, userAgent: r.userAgent?.slice(0, 300) ?? null,
      deviceHash: r.deviceToken ? sha256Hex(r.deviceToken) : null, expiresAt: new Date(Date.now() + FLOW_TTL_SECONDS * 1000),
      data: { registration: progress, ...(input.returnTo ? { returnTo: input.returnTo } : {}) },
    });
    await em.flush();
    return { flow, token, view: this.view(tenant, flow) };
  }

  /** The live registration flow a token names (FLOW_NOT_FOUND / FLOW_FAILED / STEP_OUT_OF_ORDER for another purpose). */
  async load(r: FlowRequest, token: string | null | undefined): Promise<{ flow: LoginFlow; tenant: Tenant; progress: Progress }> {
    const flow = await this.engine.load(r.tenantId, token);
    assertThat(flow.purpose === 'registration', () => outOfOrder('this flow is not a sign-up; start one with /authentication/registration/start'));
    const tenant = await this.engine.tenant(r.tenantId);
    const progress = this.progress(tenant, flow);
    if (progress.kind === 'registration') assertThat(tenant.selfRegistration, registrationDisabled);
    return { flow, tenant, progress };
  }

  async status(r: FlowRequest, token: string | null | undefined): Promise<RegistrationView> {
    const { flow, tenant } = await this.load(r, token);
    return this.view(tenant, flow);
  }

  view(tenant: Tenant, flow: LoginFlow): RegistrationView {
    const p = this.progress(tenant, flow);
    const next = this.next(p);
    const step = flow.state === 'identify' ? next?.name ?? null : flow.state === 'authenticated' ? 'complete' : null;
    return {
      flow_id: flow.id, purpose: 'registration', kind: p.kind, state: flow.state, expires_at: flow.expiresAt.toISOString(), step,
      steps: p.plan.map((s) => ({ ...s, status: p.done.includes(s.name) ? 'done' : p.skipped.includes(s.name) ? 'skipped' : 'pending' })),
      email: p.email ?? null,
      pending: flow.otp ? { channel: flow.otp.channel === 'phone_otp' ? 'sms' : 'email', destination: flow.otp.destination, expires_at: new Date(flow.otp.expiresAt * 1000).toISOString() } : null,
      terms_url: tenant.termsUrl ?? null,
      password_policy: { min_length: tenant.passwordMinLength, require_classes: [...tenant.passwordRequireClasses] },
      login_challenge_bound: flow.interactionId !== null,
      ...(p.outcome ? { outcome: p.outcome } : {}),
      ...(flow.state === 'authenticated' && flow.userId ? { user_id: flow.userId } : {}),
    };
  }

  /**
   * "Send it again" at a verification step: a new code to the address or number already given
   * (it replaces the old one, also after it expired), within the same send limits. A taken
   * address gets the "you already have an account" mail again, as at the email step.
   */
  async resend(r: FlowRequest, token: string | null | undefined): Promise<RegistrationView> {
    const { flow, tenant, progress } = await this.load(r, token);
    assertThat(flow.state === 'identify', () => outOfOrder('this sign-up has no code to send now'));
    const current = this.next(progress)?.name;
    if (current === 'phone_verification' && progress.phone && flow.otp) return this.step(r, token, 'phone_verification', { phone_number: progress.phone });
    assertThat(current === 'email_verification' && progress.email, () => outOfOrder('no code is pending at this step'));
    const otp = await this.email(r, tenant, flow, structuredClone(progress), { email: progress.email });
    await saveFlow(this.engine.em(r.tenantId), flow, { otp });
    return this.view(tenant, flow);
  }

  /**
   * Answers one step (`input.skip === true` skips an optional one). When no step is left, the
   * account is created (or the guest converted) and the flow is ready to complete.
   */
  async step(r: FlowRequest, token: string | null | undefined, name: string, input: RegistrationInput): Promise<RegistrationView> {
    assertThat(isRegistrationStep(name), () => invalid(`unknown sign-up step "${name.slice(0, 40)}" (steps: ${REGISTRATION_STEPS.join(', ')})`, 'step'));
    const { flow, tenant, progress } = await this.load(r, token);
    assertThat(flow.state === 'identify', () => outOfOrder(flow.state === 'authenticated' ? 'the account is ready: complete the sign-up' : 'this sign-up has ended; start again'));
    const planned = progress.plan.find((s) => s.name === name);
    assertThat(planned, () => new AuthnError(AuthnErrorCode.METHOD_NOT_ALLOWED, `the "${name}" step is not part of this sign-up`, ['step']));
    const current = this.next(progress);
    assertThat(current?.name === name, () => outOfOrder(`the "${current?.name ?? 'complete'}" step comes next, not "${name}"`));
    const em = this.engine.em(r.tenantId);
    const p: Progress = structuredClone(progress);
    let passwordHash: string | null = null;
    let otp = flow.otp;

    if (input.skip === true || input.skip === 'true') {
      assertThat(planned.requirement === 'optional', () => invalid(`the "${name}" step is required and cannot be skipped`, 'skip'));
      if (name === 'credentials') {
        assertThat(p.done.includes('email_verification'), () => invalid('choose a password: without a verified email address it is the only way to sign in', 'password'));
      }
      if (name === 'email' || name === 'phone_verification' || name === 'email_verification') otp = null;
      p.skipped.push(name);
    } else {
      switch (name) {
        case 'email':
          otp = await this.email(r, tenant, flow, p, input);
          p.done.push('email');
          break;
        case 'email_verification':
          await takeCode(em, flow, 'verify_email', input.code);
          otp = null;
          p.done.push('email_verification');
          break;
        case 'terms': {
          const accepted = input.accept === true || input.accept === 'true' || input.accept === '1' || input.accept === 'on';
          assertThat(accepted, () => invalid('accept the terms of service to continue', 'accept'));
          p.done.push('terms');
          break;
        }
        case 'profile': {
          const given = str(input.given_name, 100)?.trim() ?? '';
          const family = str(input.family_name, 100)?.trim() ?? '';
          assertThat(given.length > 0, () => invalid('enter your first name (at most 100 characters)', 'given_name'));
          assertThat(family.length > 0, () => invalid('enter your last name (at most 100 characters)', 'family_name'));
          p.givenName = given;
          p.familyName = family;
          p.done.push('profile');
          break;
        }
        case 'phone_verification':
          if (input.code !== undefined && input.code !== '') {
            await takeCode(em, flow, 'verify_phone', input.code);
            otp = null;
            p.phoneVerified = true;
            p.done.push('phone_verification');
          } else {
            assertThat(input.phone_number !== undefined && input.phone_number !== '', () => invalid('enter your phone number, then the code we text you', 'phone_number'));
            const phone = phoneFrom(input.phone_number);
            const sent = newCode(flow, { channel: 'phone_otp', step: 'verify_phone', destination: maskPhone(phone), userId: null, deliver: true });
            await this.engine.limitSends(r, phone);
            await this.engine.deps.sms.send({ to: phone, text: `${sent.code} is your ${tenant.name} verification code. It expires in 10 minutes.` }, { tenantId: r.tenantId });
            otp = sent.otp;
            p.phone = phone;
          }
          break;
        case 'credentials': {
          const password = typeof input.password === 'string' ? input.password : '';
          assertThat(password.length > 0, () => invalid('choose a password', 'password'));
          const problem = passwordProblem(this.policy(tenant), password);
          assertThat(!problem, () => new AuthnError(AuthnErrorCode.PASSWORD_POLICY, problem!, ['password']));
          passwordHash = await hashPassword(password);
          p.done.push('credentials');
          break;
        }
      }
    }
    if (this.next(p)) {
      await saveFlow(em, flow, { data: { ...flow.data, registration: p }, otp });
      return this.view(tenant, flow);
    }
    return p.kind === 'upgrade' ? this.upgrade(r, tenant, flow, p, passwordHash) : this.create(r, tenant, flow, p, passwordHash);
  }

  /** The email step: a code to a new address; to a taken one the "you already have an account" mail (registration) or a refusal (upgrade). */
  private async email(r: FlowRequest, tenant: Tenant, flow: LoginFlow, p: Progress, input: RegistrationInput) {
    const email = emailFrom(input.email);
    // Counted before the lookup: taken and new addresses are limited alike.
    await this.engine.limitSends(r, email);
    const em = this.engine.em(r.tenantId);
    const taken = await em.findOne(User, { email, tenant: r.tenantId });
    if (p.kind === 'upgrade') assertThat(!taken, emailTaken);
    p.email = email;
    p.existing = Boolean(taken);
    const verify = p.plan.some((s) => s.name === 'email_verification');
    if (taken) {
      await this.sendAlreadyRegistered(r, tenant, email);
      return verify ? newCode(flow, { channel: 'email_otp', step: 'verify_email', destination: maskEmail(email), userId: null, deliver: false }).otp : null;
    }
    if (!verify) return null;
    const sent = newCode(flow, { channel: 'email_otp', step: 'verify_email', destination: maskEmail(email), userId: null, deliver: true });
    const what = p.kind === 'upgrade' ? `to keep your ${tenant.name} account` : `to create your ${tenant.name} account`;
    await this.engine.deps.mail.send({
      to: email, subject: `${sent.code} is your ${tenant.name} verification code`,
      text: `Enter this code ${what}: ${sent.code}\n\nIt expires in 10 minutes. If you did not ask for it, ignore this message.`,
    }, { tenantId: r.tenantId });
    return sent.otp;
  }

  private async sendAlreadyRegistered(r: FlowRequest, tenant: Tenant, email: string): Promise<void> {
    const issuer = this.engine.deps.issuerUrl(r.slug);
    await this.engine.deps.mail.send({
      to: email, subject: `You already have a ${tenant.name} account`,
      text: `Someone (hopefully you) tried to create a ${tenant.name} account with this email address, but you already have an account.\n\n`
        + `Sign in: ${issuer}/login\nForgot your password? Reset it: ${issuer}/recover\n\nIf it was not you, ignore this message: nothing was changed.`,
    }, { tenantId: r.tenantId });
  }

  private amr(p: Progress, password: boolean): string[] {
    return [...(p.done.includes('email_verification') ? ['otp', 'email'] : []), ...(p.phoneVerified ? ['sms'] : []), ...(password ? ['pwd'] : [])];
  }

  /** The last step of a registration: the user is created and the flow made ready to complete, in one transaction. */
  private async create(r: FlowRequest, tenant: Tenant, flow: LoginFlow, p: Progress, passwordHash: string | null): Promise<RegistrationView> {
    const em = this.engine.em(r.tenantId);
    const email = p.email!;
    if (p.existing) return this.endWithoutAccount(r, tenant, flow, p, false);
    const id = uuid();
    const emailVerified = p.done.includes('email_verification');
    const amr = this.amr(p, passwordHash !== null);
    try {
      await em.transactional(async (tx) => {
        const txm = tx as EntityManager;
        const moved = await txm.nativeUpdate(LoginFlow, { id: flow.id, tenant: r.tenantId, state: 'identify' }, {
          state: 'authenticated', userId: id, amr, otp: null, data: { ...flow.data, registration: p },
        });
        assertThat(moved === 1, () => outOfOrder('this step was already answered'));
        // A phone number another account already verified stays unverified here (it signs that account in).
        const phoneClash = p.phone && p.phoneVerified ? await txm.count(User, { tenant: r.tenantId, phoneNumber: p.phone, phoneNumberVerified: true }) > 0 : false;
        const name = p.givenName && p.familyName ? `${p.givenName} ${p.familyName}`.slice(0, 200) : null;
        txm.create(User, {
          id, tenant: r.tenantId, email, emailVerified, passwordHash, name, givenName: p.givenName ?? null, familyName: p.familyName ?? null,
          middleName: null, nickname: null, preferredUsername: null, picture: null, website: null, gender: null, birthdate: null, zoneinfo: null,
          locale: null, address: null, phoneNumber: p.phone ?? null, phoneNumberVerified: Boolean(p.phoneVerified) && !phoneClash, metadata: null,
          status: 'active', isAnonymous: false,
        });
        const actor = this.actor(r, id);
        recordEvent(txm, { tenantId: r.tenantId, type: 'User.Created', actor, requestId: r.requestId, target: { type: 'User', id }, payload: { userId: id, email, passwordSet: passwordHash !== null } });
        recordEvent(txm, { tenantId: r.tenantId, type: 'User.Registered', actor, requestId: r.requestId, target: { type: 'User', id }, payload: { userId: id, email, steps: p.done } });
        await txm.flush();
      });
    } catch (err) {
      // Registered in parallel since the email step: same ending as a taken address.
      if (err instanceof UniqueConstraintViolationException) return this.endWithoutAccount(r, tenant, flow, p, true);
      throw err;
    }
    await notifyOutbox(em);
    Object.assign(flow, { state: 'authenticated', userId: id, amr, otp: null, data: { ...flow.data, registration: p } });
    return this.view(tenant, flow);
  }

  /** A taken address reached the end (its email unverified): nothing is created, the owner was mailed. */
  private async endWithoutAccount(r: FlowRequest, tenant: Tenant, flow: LoginFlow, p: Progress, mail: boolean): Promise<RegistrationView> {
    if (mail) await this.sendAlreadyRegistered(r, tenant, p.email!);
    const ended: Progress = { ...p, outcome: 'check_email' };
    await saveFlow(this.engine.em(r.tenantId), flow, { state: 'completed', otp: null, data: { ...flow.data, registration: ended } });
    return this.view(tenant, flow);
  }

  /** The last step of an upgrade: the same user row becomes a full account (conditional: still a guest, address still free). */
  private async upgrade(r: FlowRequest, tenant: Tenant, flow: LoginFlow, p: Progress, passwordHash: string | null): Promise<RegistrationView> {
    const em = this.engine.em(r.tenantId);
    const userId = flow.userId!;
    const email = p.email!;
    const amr = this.amr(p, passwordHash !== null);
    try {
      await em.transactional(async (tx) => {
        const txm = tx as EntityManager;
        const moved = await txm.nativeUpdate(LoginFlow, { id: flow.id, tenant: r.tenantId, state: 'identify' }, {
          state: 'authenticated', amr, otp: null, data: { ...flow.data, registration: p },
        });
        assertThat(moved === 1, () => outOfOrder('this step was already answered'));
        const converted = await txm.nativeUpdate(User, { id: userId, tenant: r.tenantId, isAnonymous: true, status: 'active' }, {
          email, emailVerified: true, passwordHash, isAnonymous: false, updatedAt: new Date(),
        });
        assertThat(converted === 1, () => invalid('this account is no longer a guest account', 'session'));
        recordEvent(txm, {
          tenantId: r.tenantId, type: 'User.Anonymous.Upgraded', actor: this.actor(r, userId), requestId: r.requestId,
          target: { type: 'User', id: userId }, payload: { userId, email },
        });
        await txm.flush();
      });
    } catch (err) {
      if (!(err instanceof UniqueConstraintViolationException)) throw err;
      // Taken since the email step: back to the email step, the guest unchanged.
      await saveFlow(em, flow, { otp: null, data: { ...flow.data, registration: { ...p, done: [], skipped: [], email: undefined } } });
      throw emailTaken();
    }
    await notifyOutbox(em);
    Object.assign(flow, { state: 'authenticated', amr, otp: null, data: { ...flow.data, registration: p } });
    return this.view(tenant, flow);
  }
}
