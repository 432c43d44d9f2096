/**
 * Logout Token (OpenID Connect Back-Channel Logout 1.0 §2.4): iss, aud (client), iat, exp, jti,
 * events {"http://schemas.openid.net/event/backchannel-logout": {}}, sid and/or sub; never a
 * nonce. `typ` logout+jwt (§2.4 recommends explicit typing).
 */
import { signJwt } from '../../crypto/jwt.js';
import { randomToken } from '../../crypto/random.js';
import type { ClientRecord, ProtocolPorts } from '../ports.js';
import { subjectFor } from './subject.js';

export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

export async function issueLogoutToken(ports: ProtocolPorts, input: { tenantId: string; issuer: string; client: ClientRecord; sid: string; subject: string }): Promise<string> {
  const signer = await ports.keys.activeSigningKey(input.tenantId, input.client.idTokenSignedResponseAlg);
  const iat = Math.floor(Date.now() / 1000);
  return signJwt({
    iss: input.issuer, aud: input.client.clientId, iat, exp: iat + 120, jti: randomToken(16),
    sub: subjectFor(ports, input.tenantId, input.client, input.subject), sid: input.sid,
    events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
  }, signer, 'logout+jwt');
}
