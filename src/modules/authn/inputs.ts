import { hasControlChars } from '../../shared/text.js';

/** Input shapes every authentication step checks (sign-in, sign-up, recovery). */
export const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;
/** E.164 phone numbers (+ and 7-15 digits). */
export const E164 = /^\+[1-9]\d{6,14}$/;

/** A string input of at most `max` characters without control characters, or null. */
export const str = (v: unknown, max = 1024): string | null => (typeof v === 'string' && v.length <= max && !hasControlChars(v) ? v : null);

/** An address as pages may show it to whoever holds the flow (m***@example.com). */
export function maskEmail(email: string): string {
  const [local, domain] = email.split('@');
  return `${local!.slice(0, 1)}***@${domain}`;
}

/** A phone number as pages may show it (+1******4567). */
export function maskPhone(phone: string): string {
  return `${phone.slice(0, 2)}${'*'.repeat(Math.max(phone.length - 6, 0))}${phone.slice(-4)}`;
}
