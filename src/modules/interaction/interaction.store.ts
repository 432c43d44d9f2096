import type { MikroORM } from '@mikro-orm/postgresql';
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
    const em = tenantEm(this.orm, tenantId);
    const loginChallenge = randomToken(32);
    const i = em.create(Interaction, {
      id: uuid(), tenant: tenantId, clientId: input.clientId, request: input.request,
      state: input.skipLogin ? 'login_accepted' : 'login_pending',
      loginChallengeHash: sha256Hex(loginChallenge), consentChallengeHash: null, verifierHash: null,
      browserBindingHash: input.browserBindingHash, sessionId: input.sessionId, loginSkipped: Boolean(input.skipLogin),
      subject: input.skipLogin?.subject ?? null, authTime: input.skipLogin ? new Date(input.skipLogin.authTime * 1000) : null,
      acr: input.skipLogin?.acr ?? null, amr: input.skipLogin?.amr ?? null, remember: false, rememberFor: null, loginContext: null,
      grantedScopes: null, grantedAudience: null, consentRemember: false, consentRememberFor: null, sessionClaims: null, error: null,
      expiresAt: new Date(Date.now() + input.ttlSeconds * 1000),
    });
    await em.flush();
    return { id: i.id, loginChallenge };
  }

  async takeByVerifier(tenantId: string, verifier: string): Promise<InteractionRecord | undefined> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(verifier)) return undefined;
    const em = tenantEm(this.orm, tenantId);
    const hash = sha256Hex(verifier);
    const i = await em.findOne(Interaction, { tenant: tenantId, verifierHash: hash, expiresAt: { $gt: new Date() } });
    if (!i) return undefined;
    const taken = await em.nativeUpdate(Interaction, { id: i.id, verifierHash: hash }, { verifierHash: null });
    return taken === 1 ? toInteractionRecord(i) : undefined;
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
