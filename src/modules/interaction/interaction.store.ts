import type { MikroORM } from '@mikro-orm/postgresql';
import { TEXT_ARRAY_PARAM } from '../../db/sql.js';
import { randomToken, uuid } from '../../crypto/random.js';
import { sha256Hex } from '../../crypto/secrets.js';
import { hotSql, TENANT_IS } from '../../db/hot-sql.js';
import type { InteractionRecord, InteractionStore } from '../../protocol/ports.js';
import { sourcesOf, transition } from '../../protocol/interaction/state-machine.js';

/**
 * The resume verifier handed to the browser: the interaction id (so the lookup is by primary key,
 * and the verifier column needs no index: updates that clear it can stay heap-only) and a random
 * secret, stored only as its SHA-256.
 */
export const resumeVerifier = (interactionId: string, secret: string) => `${interactionId}.${secret}`;
const RESUME_VERIFIER = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;

/** The same record from a raw `interaction` row (hot path: no entity hydration). */
function recordFromRow(r: Record<string, unknown>): InteractionRecord {
  const at = r.auth_time as string | null;
  return {
    id: r.id as string, state: r.state as InteractionRecord['state'], clientId: r.client_id as string, request: r.request as InteractionRecord['request'],
    sessionId: (r.session_id as string | null) ?? null, subject: (r.subject as string | null) ?? null,
    authTime: at ? Math.floor(new Date(at).getTime() / 1000) : null, acr: (r.acr as string | null) ?? null, amr: (r.amr as string[] | null) ?? null,
    remember: r.remember as boolean, rememberFor: (r.remember_for as number | null) ?? null, grantedScopes: (r.granted_scopes as string[] | null) ?? null,
    grantedAudience: (r.granted_audience as string[] | null) ?? null, consentRemember: r.consent_remember as boolean,
    consentRememberFor: (r.consent_remember_for as number | null) ?? null, sessionClaims: (r.session_claims as InteractionRecord['sessionClaims']) ?? null,
    error: (r.error as InteractionRecord['error']) ?? null, browserBindingHash: r.browser_binding_hash as string,
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
    await hotSql(this.orm).execute(
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
    const parsed = RESUME_VERIFIER.exec(verifier);
    if (!parsed) return undefined;
    // Single use: one UPDATE (found by primary key) clears the verifier and returns the row, so
    // two browsers racing with the same verifier get it once.
    const rows = await hotSql(this.orm).execute(
      `update interaction set verifier_hash = null where id = ? and ${TENANT_IS} and verifier_hash = ? and expires_at > now() returning *`,
      [parsed[1], tenantId, sha256Hex(parsed[2]!)], 'all',
    );
    return rows[0] ? recordFromRow(rows[0]) : undefined;
  }

  async startConsent(tenantId: string, id: string, login: Parameters<InteractionStore['startConsent']>[2]): Promise<string> {
    const challenge = randomToken(32);
    const sources = sourcesOf('startConsent');
    const moved = await hotSql(this.orm).execute<{ affectedRows: number }>(
      `update interaction set state = ?, consent_challenge_hash = ?, subject = ?, auth_time = ?, acr = ?, amr = ${TEXT_ARRAY_PARAM}, session_id = ?
       where id = ? and ${TENANT_IS} and state in (${sources.map(() => '?').join(', ')})`,
      [transition('login_accepted', 'startConsent'), sha256Hex(challenge), login.subject, new Date(login.authTime * 1000), login.acr, JSON.stringify(login.amr),
        login.sessionId, id, tenantId, ...sources], 'run');
    if (moved.affectedRows !== 1) throw new Error('interaction is not awaiting consent');
    return challenge;
  }

  async complete(tenantId: string, id: string): Promise<void> {
    const sources = sourcesOf('complete');
    await hotSql(this.orm).execute(
      `update interaction set state = 'completed', verifier_hash = null where id = ? and ${TENANT_IS} and state in (${sources.map(() => '?').join(', ')})`,
      [id, tenantId, ...sources], 'run');
  }

  async fail(tenantId: string, id: string): Promise<void> {
    await hotSql(this.orm).execute(`update interaction set state = 'completed', verifier_hash = null where id = ? and ${TENANT_IS}`, [id, tenantId], 'run');
  }
}
