/**
 * Authentication Context Class References Signet issues and honours (OIDC Core §2 `acr`,
 * §3.1.2.1 `acr_values`), weakest first:
 * - `urn:signet:acr:anonymous` a guest account (anonymous sign-in);
 * - `urn:signet:acr:sfa` one factor (password, email or phone code, magic link);
 * - `urn:signet:acr:mfa` two factors of different kinds (e.g. password + TOTP), or a passkey
 *   with user verification (possession + inherence/knowledge);
 * - `urn:signet:acr:phr` phishing-resistant: a passkey (WebAuthn) with user verification.
 * A client asking for `acr_values=urn:signet:acr:mfa` (or `phr`) gets a sign-in at that level
 * or stronger; an SSO session below it does not satisfy the request (step-up). `amr` follows
 * RFC 8176: pwd, otp, sms, hwk, user, mfa; plus `email` (a code or link sent by email),
 * `rc` (a recovery code) and `anon` (anonymous sign-in).
 */
export const ACR = {
  anonymous: 'urn:signet:acr:anonymous',
  sfa: 'urn:signet:acr:sfa',
  mfa: 'urn:signet:acr:mfa',
  phr: 'urn:signet:acr:phr',
} as const;
export type AcrValue = (typeof ACR)[keyof typeof ACR];

const LEVEL: Record<string, number> = { [ACR.anonymous]: 0, [ACR.sfa]: 1, [ACR.mfa]: 2, [ACR.phr]: 3 };

/** The level of an acr (unknown values, including the challenge API's default `0`, are level 0). */
export function acrLevel(acr: string | null | undefined): number {
  return acr ? (LEVEL[acr] ?? 0) : 0;
}

/** The weakest level the request insists on: the lowest Signet acr among acr_values (none: 0). */
export function requiredAcrLevel(acrValues: readonly string[] | null | undefined): number {
  const known = (acrValues ?? []).filter((v) => v in LEVEL).map((v) => LEVEL[v]!);
  return known.length ? Math.min(...known) : 0;
}

/** The acr that describes a set of proven methods (RFC 8176 amr values). */
export function acrFor(amr: readonly string[]): AcrValue {
  if (amr.includes('anon')) return ACR.anonymous;
  if (amr.includes('hwk') && amr.includes('user')) return ACR.phr;
  return amr.includes('mfa') ? ACR.mfa : ACR.sfa;
}
