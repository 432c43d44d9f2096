import type { MikroORM } from '@mikro-orm/postgresql';
import { TEXT_ARRAY_PARAM } from '../../db/sql.js';
import { randomToken, uuid } from '../../crypto/random.js';
import { sha256Hex } from '../../crypto/secrets.js';
import { tenantEm } from '../../db/tenant-em.js';
import type { InteractionRecord, InteractionStore } from '../../protocol/ports.js';
import { sourcesOf, transition } from '../../protocol/interaction/state-machine.js';
import { Interaction } from './interaction.entity.js';

export function toInteractionRecord(i: Interaction): InteractionRecord {
  return {
    id: i.id, state: i.state, clientId: i.clientId, request: i.request, sessionId: i.sessionId ?? null, subject: i.subject ?? null,
    authTime: i.authTime ? Math.floor(i.authTime.getTime() / 1000) : null, acr: i.acr ?? null, amr: i.amr ?? null,
    remember: i.remember, rememberFor: i.rememberFor ?? null, grantedScopes: i.grantedScopes ?? null, grantedAudience: i.grantedAudience ?? null,
    consentRemember: i.consentRemember, consentRememberFor: i.consentRememberFor ?? null, sessionClaims: i.sessionClaims ?? null,
    error: i.error ?? null, browserBindingHash: i.browserBindingHash,
  };
}

/** InteractionStore: state changes are conditional updates, so each transition happens once. */
export class InteractionRecordStore implements InteractionStore {
  constructor(private readonly orm: MikroORM) {}

  async create(tenantId: string, input: Parameters<InteractionStore['create']>[1]) {
    const loginChallenge = randomToken(32);
    const id = uuid();
    const skip = input.skipLogin;
    // One INSERT on the authorize hot path (no unit-of-work flush).
    await tenantEm(this.orm, tenantId).getConnection().execute(
      `insert into interaction (id, tenant_id, client_id, state, request, login_challenge_hash, consent_challenge_hash, verifier_hash,
         browser_binding_hash, session_id, login_skipped, subject, auth_time, acr, amr, remember, created_at, expires_at)
       values (?, ?, ?, ?, ?::jsonb, ?, null, null, ?, ?, ?, ?, ?, ?, ${skip ? TEXT_ARRAY_PARAM : 'null'}, false, now(), ?)`,
      [id, tenantId, input.clientId, skip ? 'login_accepted' : 'login_pending', JSON.stringify(input.request), sha256Hex(loginChallenge),
        input.browserBindingHash, input.sessionId, Boolean(skip), skip?.subject ?? null, skip ? new Date(skip.authTime * 1000) : null, skip?.acr ?? null,
        ...(skip ? [JSON.stringify(skip.amr)] : []), new Date(Date.now() + input.ttlSeconds * 1000)],
      'run',
    );
    return { id, loginChallenge };
  }

  async takeByVerifier(tenantId: string, verifier: string): Promise<InteractionRecord | undefined> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(verifier)) return undefined;
    const em = tenantEm(this.orm, tenantId);
    // Single use: one UPDATE clears the verifier and returns the row, so two browsers racing with
    // the same verifier get it once.
    const rows = await em.getConnection().execute<Record<string, unknown>[]>(
      `update interaction set verifier_hash = null where tenant_id = ? and verifier_hash = ? and expires_at > now() returning *`,
      [tenantId, sha256Hex(verifier)], 'all',
    );
    if (!rows[0]) return undefined;
    return toInteractionRecord(em.map(Interaction, rows[0]) as Interaction);
  }

  async startConsent(tenantId: string, id: string, login: Parameters<InteractionStore['startConsent']>[2]): Promise<string> {
    const em = tenantEm(this.orm, tenantId);
    const challenge = randomToken(32);
    const moved = await em.nativeUpdate(Interaction, { id, tenant: tenantId, state: { $in: sourcesOf('startConsent') } }, {
      state: transition('login_accepted', 'startConsent'), consentChallengeHash: sha256Hex(challenge), subject: login.subject,
      authTime: new Date(login.authTime * 1000), acr: login.acr, amr: login.amr, sessionId: login.sessionId,
    });
    if (moved !== 1) throw new Error('interaction is not awaiting consent');
    return challenge;
  }

  async complete(tenantId: string, id: string): Promise<void> {
    await tenantEm(this.orm, tenantId).nativeUpdate(Interaction, { id, tenant: tenantId, state: { $in: sourcesOf('complete') } }, { state: 'completed', verifierHash: null });
  }

  async fail(tenantId: string, id: string): Promise<void> {
    await tenantEm(this.orm, tenantId).nativeUpdate(Interaction, { id, tenant: tenantId }, { state: 'completed', verifierHash: null });
  }
}
