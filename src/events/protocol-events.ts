import type { MikroORM } from '@mikro-orm/postgresql';
import { tenantEm } from '../db/tenant-em.js';
import type { ProtocolEvents } from '../protocol/ports.js';
import { currentRequestId } from '../shared/request-scope.js';
import { notifyOutbox, recordEvent } from './outbox.js';

/**
 * Protocol events (Token.Issued, Token.Revoked, RefreshToken.Reused, Session.Ended) through the
 * outbox. The actor is the client that made the request; the target the user.
 */
export class OutboxProtocolEvents implements ProtocolEvents {
  constructor(private readonly orm: MikroORM) {}

  async emit(tenantId: string, type: Parameters<ProtocolEvents['emit']>[1], actor: { clientId: string; subject?: string }, payload: Record<string, unknown>): Promise<void> {
    const em = tenantEm(this.orm, tenantId);
    recordEvent(em, {
      tenantId, type, requestId: currentRequestId(),
      actor: { kind: 'client', id: actor.clientId, clientId: actor.clientId, tenantId },
      target: actor.subject ? { type: 'User', id: actor.subject } : undefined,
      payload: { clientId: actor.clientId, ...payload },
    });
    await em.flush();
    await notifyOutbox(em);
  }
}
