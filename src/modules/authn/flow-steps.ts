import type { EntityManager } from '@mikro-orm/postgresql';
import { randomToken } from '../../crypto/random.js';
import { safeEqualStrings, sha256Hex } from '../../crypto/secrets.js';
import { numericCode } from '../../crypto/totp.js';
import { notifyOutbox, recordEvent, type EventInput } from '../../events/outbox.js';
import { assertThat } from '../../shared/domain-error.js';
import { E164, EMAIL, str } from './inputs.js';
import { LoginFlow, type PendingOtp } from './authn.entity.js';
import { MAX_FAILURES, OTP_TTL_SECONDS } from './authn.engine.js';
import { AuthnError, AuthnErrorCode } from './authn.errors.js';

/**
 * Building blocks of the step-by-step flows that are not sign-ins (registration, anonymous
 * upgrade, account recovery: registration.service.ts, recovery.service.ts). They share the
 * engine's rules: a code is stored only as a hash bound to its flow and step, is single use (a
 * conditional UPDATE clears it), expires after 10 minutes, and every wrong answer counts; at
 * MAX_FAILURES the flow fails and must be started again.
 */

export const outOfOrder = (what: string) => new AuthnError(AuthnErrorCode.STEP_OUT_OF_ORDER, what, ['step']);
export const invalid = (what: string, field: string) => new AuthnError(AuthnErrorCode.INVALID_REQUEST, what, [field]);

/** A lowercased, well-formed email address from input, or INVALID_REQUEST. Placeholder (.invalid) domains are refused. */
export function emailFrom(raw: unknown): string {
  const email = str(raw, 320)?.trim().toLowerCase() ?? '';
  assertThat(EMAIL.test(email), () => invalid('enter a valid email address', 'email'));
  assertThat(!email.endsWith('.invalid'), () => invalid('enter a real email address', 'email'));
  return email;
}

export function phoneFrom(raw: unknown): string {
  const phone = str(raw, 24)?.replace(/[\s()-]/g, '') ?? '';
  assertThat(E164.test(phone), () => invalid('enter the phone number in international format (+15551234567)', 'phone_number'));
  return phone;
}

function codeHash(flowId: string, step: PendingOtp['step'], code: string): string {
  return sha256Hex(`signet:flow-code:${flowId}:${step}:${code}`);
}

/**
 * A fresh 6-digit code for `step`. With `deliver` false nothing will be sent: the stored hash is
 * of a random value nobody knows, so no code can ever match (unknown or taken addresses get the
 * same page and the same answers as real ones). Returns the pending OTP and the code to send.
 */
export function newCode(flow: LoginFlow, opts: { channel: PendingOtp['channel']; step: PendingOtp['step']; destination: string; userId: string | null; deliver: boolean }): { otp: PendingOtp; code: string } {
  const code = numericCode(6);
  return {
    code,
    otp: {
      channel: opts.channel, userId: opts.userId, destination: opts.destination, step: opts.step,
      codeHash: codeHash(flow.id, opts.step, opts.deliver ? code : randomToken(32)),
      expiresAt: Math.floor(Date.now() / 1000) + OTP_TTL_SECONDS,
    },
  };
}

/**
 * Writes the flow's progress (`data`, and the pending code when given) if the flow is still in
 * `state`; otherwise STEP_OUT_OF_ORDER (a parallel request moved it first).
 */
export async function saveFlow(em: EntityManager, flow: LoginFlow, patch: { data?: Record<string, unknown>; otp?: PendingOtp | null; state?: LoginFlow['state']; userId?: string | null; amr?: string[] }): Promise<void> {
  const moved = await em.nativeUpdate(LoginFlow, { id: flow.id, tenant: flow.tenant, state: flow.state }, patch);
  assertThat(moved === 1, () => outOfOrder('this step was already answered'));
  Object.assign(flow, patch);
}

/**
 * Checks and consumes the code sent at `step`: malformed (INVALID_REQUEST, not counted), none
 * pending (STEP_OUT_OF_ORDER), expired (CODE_EXPIRED, cleared), wrong (INVALID_CODE, counted:
 * FLOW_FAILED at the limit), already taken by a parallel request (INVALID_CODE).
 */
export async function takeCode(em: EntityManager, flow: LoginFlow, step: PendingOtp['step'], raw: unknown, onWrong?: (failures: number) => EventInput | null): Promise<PendingOtp> {
  const otp = flow.otp;
  assertThat(otp && otp.step === step, () => outOfOrder('no code was sent at this step; ask for one first'));
  const code = str(raw, 12)?.replace(/\s/g, '') ?? '';
  assertThat(/^\d{6}$/.test(code), () => invalid('enter the 6-digit code', 'code'));
  if (otp.expiresAt < Date.now() / 1000) {
    await em.nativeUpdate(LoginFlow, { id: flow.id, tenant: flow.tenant }, { otp: null });
    flow.otp = null;
    throw new AuthnError(AuthnErrorCode.CODE_EXPIRED, 'the code has expired; ask for a new one', ['code']);
  }
  if (!safeEqualStrings(otp.codeHash, codeHash(flow.id, step, code))) {
    return countFailure(em, flow, new AuthnError(AuthnErrorCode.INVALID_CODE, 'the code is not right', ['code']), onWrong);
  }
  const taken = await em.getConnection().execute(
    "update login_flow set otp = null, updated_at = now() where id = ? and tenant_id = ? and otp->>'codeHash' = ?",
    [flow.id, flow.tenant, otp.codeHash], 'run') as { affectedRows?: number };
  assertThat((taken.affectedRows ?? 0) === 1, () => new AuthnError(AuthnErrorCode.INVALID_CODE, 'this code was already used', ['code']));
  flow.otp = null;
  return otp;
}

/** A wrong answer: counted; at MAX_FAILURES the flow fails (FLOW_FAILED). Throws `error` otherwise. */
export async function countFailure(em: EntityManager, flow: LoginFlow, error: AuthnError, onWrong?: (failures: number) => EventInput | null): Promise<never> {
  const rows = await em.getConnection().execute<{ failures: number }[]>(
    `update login_flow set failures = failures + 1, state = case when failures + 1 >= ? then 'failed' else state end, otp = case when failures + 1 >= ? then null else otp end, updated_at = now()
     where id = ? and tenant_id = ? returning failures`, [MAX_FAILURES, MAX_FAILURES, flow.id, flow.tenant], 'all');
  const failures = rows[0]?.failures ?? MAX_FAILURES;
  const event = onWrong?.(failures);
  if (event) {
    recordEvent(em, event);
    await em.flush();
    await notifyOutbox(em);
  }
  if (failures >= MAX_FAILURES) throw new AuthnError(AuthnErrorCode.FLOW_FAILED, 'too many wrong answers: this was stopped; start again', ['code']);
  throw error;
}
