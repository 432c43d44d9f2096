import type { FastifyRequest } from 'fastify';
import { tenantEm } from '../db/tenant-em.js';
import type { IssuerRecord, SessionRecord } from '../protocol/ports.js';
import { User } from '../modules/user/user.entity.js';
import type { Container } from './container.js';
import { readCookies } from './cookies.js';

/** How recent a sign-in must be for sensitive changes (removing a factor, changing the password). */
export const REAUTH_WINDOW_SECONDS = 300;

export interface PortalUser {
  session: SessionRecord;
  user: User;
  /** Whether the session's sign-in is recent enough for sensitive changes. */
  recentlyAuthenticated: boolean;
}

/**
 * The signed-in end user of a browser, from the tenant's SSO session cookie (`signet_session`),
 * for the identity portal and passkey registration; undefined when there is no live session or the
 * user is not active.
 */
export async function portalUser(c: Container, req: FastifyRequest, t: IssuerRecord): Promise<PortalUser | undefined> {
  const token = readCookies(req).signet_session;
  if (!token) return undefined;
  const session = await c.ports.sessions.findByToken(t.tenantId, token);
  if (!session) return undefined;
  const user = await tenantEm(c.orm, t.tenantId).findOne(User, { id: session.subject, tenant: t.tenantId });
  if (!user || user.status !== 'active') return undefined;
  return { session, user, recentlyAuthenticated: Math.floor(Date.now() / 1000) - session.authTime <= REAUTH_WINDOW_SECONDS };
}
