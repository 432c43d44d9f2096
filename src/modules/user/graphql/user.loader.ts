import DataLoader from 'dataloader';
import type { KeysetCursor } from '../../../db/keyset.js';
import type { RequestContext } from '../../../shared/request-context.js';
import { Client } from '../../client/index.js';
import type { Consent } from '../../grant/index.js';
import type { SessionView } from '../../session/index.js';

/**
 * Live sessions of users, batched per unit of work: one statement per distinct (first, after)
 * in an operation, whatever the number of users (a window function caps each user's rows).
 */
export function sessionsByUser(ctx: RequestContext, limit: number, after: KeysetCursor | null): DataLoader<string, SessionView[]> {
  const key = `sessionsByUser:${limit}:${after ? `${after.value}|${after.id}` : ''}`;
  return ctx.loaders.get(key, () => new DataLoader<string, SessionView[]>(async (subjects) => {
    const bySubject = await ctx.services.sessions.liveSessionsOf(ctx, subjects, limit, after);
    return subjects.map((s) => bySubject.get(s) ?? []);
  }));
}

/** Active consents of users, batched (one statement). */
export function consentsByUser(ctx: RequestContext): DataLoader<string, Consent[]> {
  return ctx.loaders.get('consentsByUser', () => new DataLoader<string, Consent[]>(async (subjects) => {
    const bySubject = await ctx.services.consents.consentsOf(ctx, subjects);
    return subjects.map((s) => bySubject.get(s) ?? []);
  }));
}

/** Clients by OAuth client_id in the current tenant, batched (one statement); null when deleted. */
export function clientByClientId(ctx: RequestContext): DataLoader<string, Client | null> {
  return ctx.loaders.get('clientByClientId', () => new DataLoader<string, Client | null>(async (clientIds) => {
    const rows = await ctx.em.find(Client, { clientId: { $in: [...clientIds] } });
    const byId = new Map(rows.map((c) => [c.clientId, c]));
    return clientIds.map((id) => byId.get(id) ?? null);
  }));
}
