import { expect } from 'vitest';
import type { TestServer } from './server.js';
import type { TestTenant } from './oauth-flow.js';

/** A cookie-keeping client of the headless flow API (/t/{slug}/authentication/*). */
export class FlowClient {
  readonly cookies = new Map<string, string>();
  flowToken: string | null = null;

  constructor(readonly s: TestServer, readonly t: TestTenant, readonly headers: Record<string, string> = {}) {}

  async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
    const headers = new Headers({ ...this.headers });
    if (body !== undefined) headers.set('content-type', 'application/json');
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(`${this.t.issuer}/authentication/${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const idx = pair!.indexOf('=');
      const name = pair!.slice(0, idx);
      const value = pair!.slice(idx + 1);
      if (/Max-Age=0/.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) as Record<string, unknown> : {}, headers: res.headers };
  }

  async start(body: Record<string, unknown> = {}) {
    const r = await this.call('POST', 'start', body);
    if (r.status === 201) this.flowToken = r.body.flow_token as string;
    return r;
  }
  authenticate(body: Record<string, unknown>) { return this.call('POST', 'authenticate', body); }
  verifyOtp(code: string) { return this.call('POST', 'verify-otp', { code }); }
  resend() { return this.call('POST', 'resend', {}); }
  status() { return this.call('GET', 'status'); }
  enroll() { return this.call('POST', 'enroll', { method: 'totp' }); }
  complete(body: Record<string, unknown> = {}) { return this.call('POST', 'complete', body); }
}

export async function updateSettings(s: TestServer, t: TestTenant, input: Record<string, unknown>): Promise<void> {
  const r = await s.gql(`mutation($input: TenantSettingsUpdateInput!) { tenantSettingsUpdate(input: $input) { userErrors { code message field } } }`, { input }, { token: t.token });
  const p = (r.data as { tenantSettingsUpdate: { userErrors: unknown[] } } | undefined)?.tenantSettingsUpdate;
  expect(p?.userErrors ?? r.errors).toEqual([]);
}

/** The newest dev-mailbox message to an address (the development mail transport keeps them). */
export async function lastMail(s: TestServer, t: TestTenant, to: string): Promise<{ subject: string; text: string } | undefined> {
  const r = await s.gql(`query($to: String) { devMailbox(to: $to, first: 1) { subject text } }`, { to }, { token: t.token });
  return (r.data as { devMailbox: { subject: string; text: string }[] }).devMailbox[0];
}

export async function lastSms(s: TestServer, t: TestTenant, to: string): Promise<string | undefined> {
  const r = await s.gql(`query($to: String) { devTextMessages(to: $to, first: 1) { text } }`, { to }, { token: t.token });
  return (r.data as { devTextMessages: { text: string }[] }).devTextMessages[0]?.text;
}

export function codeIn(text: string | undefined): string {
  const m = /\b(\d{6})\b/.exec(text ?? '');
  if (!m) throw new Error(`no 6-digit code in: ${text}`);
  return m[1]!;
}

/** Base32 (RFC 4648) decoding of an otpauth secret. */
export function base32(s: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, value = 0;
  const out: number[] = [];
  for (const ch of s.replace(/=+$/, '')) {
    value = (value << 5) | alphabet.indexOf(ch);
    bits += 5;
    if (bits >= 8) { out.push((value >>> (bits - 8)) & 0xff); bits -= 8; }
  }
  return Buffer.from(out);
}
