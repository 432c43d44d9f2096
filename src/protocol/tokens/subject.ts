/**
 * Subject identifiers (OIDC Core §8): `public` (the account id) or `pairwise` per sector
 * identifier — the sector is the host of sector_identifier_uri, else of the redirect URI.
 */
import type { ClientRecord, ProtocolPorts } from '../ports.js';

export function sectorOf(client: ClientRecord): string {
  if (client.sectorIdentifier) return client.sectorIdentifier;
  try {
    return new URL(client.redirectUris[0] ?? '').host || client.clientId;
  } catch {
    return client.clientId;
  }
}

export function subjectFor(ports: Pick<ProtocolPorts, 'pairwiseSubject'>, tenantId: string, client: ClientRecord, subject: string): string {
  return client.subjectType === 'pairwise' ? ports.pairwiseSubject(tenantId, sectorOf(client), subject) : subject;
}
