/**
 * authorization_code grant.
 * - RFC 6749 §4.1.3 / §10.5: codes are single use; a second redemption fails and (RFC 6749
 *   §4.1.2) revokes every token issued from the first.
 * - RFC 6749 §4.1.3: bound to the client it was issued to and to the redirect_uri.
 * - RFC 7636 §4.6: code_verifier transformed with S256 equals the code_challenge.
 * - RFC 9700 §2.1.1: a code_verifier on a request whose authorization had no code_challenge is
 *   refused (PKCE downgrade).
 * - Codes live at most 60 s (settings.codeTtlSeconds).
 */
import { s256 } from '../../crypto/hashes.js';
import { sha256Hex, safeEqualStrings } from '../../crypto/secrets.js';
import { InvalidGrant, InvalidRequest } from '../errors.js';
import { param, requireParam } from '../params.js';
import type { ClientRecord, ProtocolPorts, ProtocolSettings } from '../ports.js';
import type { OAuthRequest } from '../request.js';
import type { TokenResponseBody } from './client-credentials.js';
import { issueGrantTokens } from './issue-tokens.js';

export async function authorizationCodeGrant(req: OAuthRequest, client: ClientRecord, ports: ProtocolPorts, settings: ProtocolSettings): Promise<TokenResponseBody> {
  const code = requireParam(req, 'code');
  const redirectUri = requireParam(req, 'redirect_uri');
  const verifier = param(req, 'code_verifier');
  if (verifier !== undefined && !/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) {
    throw new InvalidRequest('code_verifier must be 43-128 characters of A-Z a-z 0-9 - . _ ~');
  }
  const tenantId = req.tenant.tenantId;
  const taken = await ports.grants.consumeCode(tenantId, sha256Hex(code), client.clientId);
  if (!taken) throw new InvalidGrant('authorization code is invalid or expired');
  // RFC 6749 §4.1.3: the code is bound to the client it was issued to.
  if ('otherClient' in taken) throw new InvalidGrant('authorization code was issued to another client');
  if ('reused' in taken) {
    await ports.grants.revokeFamily(tenantId, taken.familyId, 'reuse');
    throw new InvalidGrant('authorization code has already been used');
  }
  const rec = taken.record;
  if (rec.expiresAt <= Math.floor(Date.now() / 1000)) throw new InvalidGrant('authorization code is expired');
  if (rec.redirectUri !== redirectUri) throw new InvalidGrant('redirect_uri does not match the authorization request');
  if (rec.codeChallenge) {
    if (!verifier) throw new InvalidGrant('code_verifier is required (the authorization request used PKCE)');
    if (!safeEqualStrings(s256(verifier), rec.codeChallenge)) throw new InvalidGrant('PKCE verification failed');
  } else if (verifier !== undefined) {
    throw new InvalidGrant('code_verifier was sent but the authorization request had no code_challenge');
  }
  return issueGrantTokens(ports, settings, {
    tenantId, issuer: req.issuer, tenantTtls: req.tenant.tokenTtls, client, grant: rec.grant, familyId: rec.familyId, grantType: 'authorization_code',
  });
}
