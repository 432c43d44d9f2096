import { hasControlChars } from '../../shared/text.js';
import type { UserAddress } from './user.entity.js';
import { UserError, UserErrorCode } from './user.errors.js';

/** OIDC standard claims (Core §5.1) a user profile carries, plus tenant metadata. */
export interface UserProfileInput {
  name?: string | null;
  givenName?: string | null;
  familyName?: string | null;
  middleName?: string | null;
  nickname?: string | null;
  preferredUsername?: string | null;
  picture?: string | null;
  website?: string | null;
  gender?: string | null;
  birthdate?: string | null;
  zoneinfo?: string | null;
  locale?: string | null;
  phoneNumber?: string | null;
  address?: UserAddress | null;
  metadata?: Record<string, unknown> | null;
}

export const PROFILE_FIELDS = ['name', 'givenName', 'familyName', 'middleName', 'nickname', 'preferredUsername', 'picture', 'website',
  'gender', 'birthdate', 'zoneinfo', 'locale', 'phoneNumber', 'address', 'metadata'] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];

const TEXT_LIMITS: Partial<Record<ProfileField, number>> = {
  name: 200, givenName: 100, familyName: 100, middleName: 100, nickname: 100, preferredUsername: 200, gender: 50, zoneinfo: 64, locale: 35,
};
const NAME_FIELDS = new Set<ProfileField>(['name', 'givenName', 'familyName']);
const BIRTHDATE = /^(\d{4}|\d{4}-\d{2}-\d{2}|0000-\d{2}-\d{2})$/;
const PHONE = /^\+?[0-9 ().-]{3,39}$/;
const LOCALE = /^[A-Za-z]{2,8}([-_][A-Za-z0-9]{1,8})*$/;
const ADDRESS_KEYS = ['formatted', 'street_address', 'locality', 'region', 'postal_code', 'country'] as const;
export const MAX_METADATA_BYTES = 16_384;

function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return (u.protocol === 'https:' || u.protocol === 'http:') && v.length <= 2048;
  } catch {
    return false;
  }
}

/**
 * Validates the profile fields present in `input` (undefined: not given; null: clear) and returns
 * them normalised (trimmed; empty strings become null). Throws a UserError naming the field.
 */
export function validateProfile(input: UserProfileInput, path: readonly string[] = ['input']): Partial<Record<ProfileField, unknown>> {
  const out: Partial<Record<ProfileField, unknown>> = {};
  const fail = (code: UserErrorCode, field: string, message: string) => new UserError(code, message, [...path, field]);
  for (const field of PROFILE_FIELDS) {
    const raw = input[field];
    if (raw === undefined) continue;
    if (raw === null) { out[field] = null; continue; }
    if (field === 'address') {
      const a = raw as UserAddress;
      const clean: UserAddress = {};
      for (const k of ADDRESS_KEYS) {
        const v = a[k];
        if (v == null || v.trim() === '') continue;
        if (v.length > 500 || (k !== 'formatted' && hasControlChars(v))) throw fail(UserErrorCode.PROFILE_INVALID, 'address', `address.${k} must be at most 500 characters without control characters`);
        clean[k] = v.trim();
      }
      out.address = Object.keys(clean).length ? clean : null;
      continue;
    }
    if (field === 'metadata') {
      const m = raw as Record<string, unknown>;
      if (typeof m !== 'object' || Array.isArray(m)) throw fail(UserErrorCode.METADATA_INVALID, 'metadata', 'metadata must be a JSON object');
      if (Buffer.byteLength(JSON.stringify(m)) > MAX_METADATA_BYTES) throw fail(UserErrorCode.METADATA_INVALID, 'metadata', `metadata must be at most ${MAX_METADATA_BYTES} bytes as JSON`);
      out.metadata = m;
      continue;
    }
    const v = (raw as string).trim();
    if (v === '') { out[field] = null; continue; }
    const code = NAME_FIELDS.has(field) ? UserErrorCode.NAME_INVALID : UserErrorCode.PROFILE_INVALID;
    const limit = TEXT_LIMITS[field];
    if (limit !== undefined && (v.length > limit || hasControlChars(v))) throw fail(code, field, `${field} must be at most ${limit} characters without control characters`);
    if ((field === 'picture' || field === 'website') && !isHttpUrl(v)) throw fail(UserErrorCode.PROFILE_INVALID, field, `${field} must be an absolute http(s) URL`);
    if (field === 'birthdate' && !BIRTHDATE.test(v)) throw fail(UserErrorCode.PROFILE_INVALID, field, 'birthdate must be YYYY-MM-DD, 0000-MM-DD or YYYY');
    if (field === 'phoneNumber' && !PHONE.test(v)) throw fail(UserErrorCode.PROFILE_INVALID, field, 'phoneNumber must be 3-40 digits, spaces and + ( ) . -');
    if (field === 'locale' && !LOCALE.test(v)) throw fail(UserErrorCode.PROFILE_INVALID, field, 'locale must be a BCP 47 language tag such as en-US');
    if (field === 'zoneinfo' && !/^[A-Za-z0-9_+\-/]+$/.test(v)) throw fail(UserErrorCode.PROFILE_INVALID, field, 'zoneinfo must be an IANA time zone such as Europe/Paris');
    out[field] = v;
  }
  return out;
}
