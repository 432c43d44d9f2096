import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Redis } from 'ioredis';
import { uuid } from '../../crypto/random.js';
import {
  assertionUserHandle, authenticationOptions, credentialIdOf, registrationOptions, userHandleOf, verifyAssertion, verifyRegistration,
  WebauthnCheckError, type PublicKeyCredentialCreationOptionsJSON, type PublicKeyCredentialRequestOptionsJSON, type RelyingParty,
} from '../../crypto/webauthn.js';
import { notifyOutbox, recordEvent } from '../../events/outbox.js';
import { assertThat } from '../../shared/domain-error.js';
import type { Actor } from '../../shared/request-context.js';
import { hasControlChars } from '../../shared/text.js';
import type { Tenant } from '../tenant/tenant.entity.js';
import type { User } from '../user/user.entity.js';
import type { AuthnEngine, FlowRequest, PasskeyVerifier } from './authn.engine.js';
import { Authenticator } from './authn.entity.js';
import { AuthnError, AuthnErrorCode } from './authn.errors.js';
import type { FactorView } from './factors.service.js';

/**
 * Passkeys (WebAuthn discoverable credentials) of a tenant's users: registration by a signed-in
 * user, and assertions for the authentication engine's `passkey` step (first or second factor).
 * Rules enforced here (the ceremony checks themselves are in crypto/webauthn.ts):
 * - the relying party is per tenant: RP ID `tenant.webauthnRpId` (default: PUBLIC_URL's host),
 *   origins PUBLIC_URL's origin plus `tenant.webauthnOrigins`;
 * - every challenge is single use whatever the outcome: registration challenges live in Redis
 *   (5 minutes, keyed by tenant and SSO session, taken with GETDEL), sign-in challenges on the
 *   login flow row (taken by the engine with a conditional UPDATE);
 * - registration asks for a discoverable credential with user verification and no attestation,
 *   excludes the user's own passkeys, refuses a credential id already known in the tenant, and
 *   stores the passkey confirmed with `Mfa.Factor.Enrolled` in the same transaction;
 * - an assertion names a credential of this tenant (another tenant's is unknown), of the expected
 *   user when the flow already knows them, and with a matching user handle when one is sent;
 * - the counter and last use are written with a conditional UPDATE on the counter read, so two
 *   parallel assertions cannot both pass; a refused response changes no stored credential.
 */
export const REGISTRATION_CHALLENGE_TTL_SECONDS = 300;
const NAME_MAX = 100;

const disabled = () => new AuthnError(AuthnErrorCode.METHOD_NOT_ALLOWED, 'this tenant does not use passkeys', ['method']);
const failed = (message: string) => new AuthnError(AuthnErrorCode.WEBAUTHN_FAILED, message, ['response']);
const outOfOrder = (message: string) => new AuthnError(AuthnErrorCode.STEP_OUT_OF_ORDER, message, ['method']);

export class PasskeyService implements PasskeyVerifier {
  constructor(private readonly deps: { publicUrl: string; redis: Redis }) {}

  /** The tenant's relying party: its RP ID, display name and allowed origins. */
  relyingParty(tenant: Tenant): RelyingParty {
    const url = new URL(this.deps.publicUrl);
    return { id: tenant.webauthnRpId ?? url.hostname, name: tenant.name, origins: [...new Set([url.origin, ...(tenant.webauthnOrigins ?? [])])] };
  }

  private registrationKey(tenantId: string, sessionId: string): string {
    return `signet:passkey-registration:${tenantId}:${sessionId}`;
  }

  private async passkeysOf(em: EntityManager, tenantId: string, userId: string) {
    return em.find(Authenticator, { tenant: tenantId, user: userId, kind: 'passkey', confirmedAt: { $ne: null } }, { orderBy: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** The user's confirmed passkeys, oldest first (for pages; never the key material). */
  async list(em: EntityManager, tenantId: string, userId: string): Promise<FactorView[]> {
    return (await this.passkeysOf(em, tenantId, userId)).map((a) => ({ id: a.id, kind: 'passkey', name: a.name, createdAt: a.createdAt, lastUsedAt: a.lastUsedAt ?? null }));
  }

  /** Whether the tenant lets passkeys sign in or serve as a second factor. */
  enabled(tenant: Tenant): boolean {
    return tenant.authMethods.includes('passkey') || tenant.mfaMethods.includes('passkey');
  }

  // ---------------------------------------------------------------- registration

  /** Creation options for a signed-in user; the challenge is kept for this SSO session (a newer one replaces it). */
  async registrationOptions(em: EntityManager, tenant: Tenant, user: User, sessionId: string): Promise<PublicKeyCredentialCreationOptionsJSON> {
    assertThat(this.enabled(tenant), disabled);
    const existing = await this.passkeysOf(em, tenant.id, user.id);
    const options = await registrationOptions(this.relyingParty(tenant), { id: user.id, name: user.email, displayName: user.name ?? user.email },
      existing.map((a) => ({ id: a.credentialId!, transports: a.transports })));
    await this.deps.redis.set(this.registrationKey(tenant.id, sessionId), JSON.stringify({ challenge: options.challenge, userId: user.id }), 'EX', REGISTRATION_CHALLENGE_TTL_SECONDS);
    return options;
  }

  /** Verifies a registration response against this session's challenge (spent whatever the outcome) and stores the passkey. */
  async register(em: EntityManager, tenant: Tenant, userId: string, sessionId: string, input: { response: unknown; name?: unknown }, actor: Actor, requestId?: string): Promise<FactorView> {
    const name = typeof input.name === 'string' ? input.name.trim() : '';
    assertThat(input.name === undefined || input.name === null || (typeof input.name === 'string' && name.length <= NAME_MAX && !hasControlChars(name)),
      () => new AuthnError(AuthnErrorCode.INVALID_REQUEST, `name must be a text of at most ${NAME_MAX} characters`, ['name']));
    assertThat(this.enabled(tenant), disabled);
    const stored = await this.deps.redis.getdel(this.registrationKey(tenant.id, sessionId));
    const pending = stored ? JSON.parse(stored) as { challenge: string; userId: string } : null;
    assertThat(pending && pending.userId === userId, () => outOfOrder('ask for passkey registration options first'));
    let credential: Awaited<ReturnType<typeof verifyRegistration>>;
    try {
      credential = await verifyRegistration(this.relyingParty(tenant), pending.challenge, input.response);
    } catch (err) {
      if (err instanceof WebauthnCheckError) throw failed(err.message);
      throw err;
    }
    const taken = () => new AuthnError(AuthnErrorCode.ALREADY_EXISTS, 'this passkey is already registered', ['response']);
    assertThat(await em.count(Authenticator, { tenant: tenant.id, credentialId: credential.credentialId }) === 0, taken);
    const id = uuid();
    try {
      await em.transactional(async (tx) => {
        const row = tx.create(Authenticator, {
          id, tenant: tenant.id, user: userId, kind: 'passkey', name: name || 'Passkey', credentialId: credential.credentialId,
          publicKey: credential.publicKey, signCount: credential.counter, transports: credential.transports, backedUp: credential.backedUp,
          confirmedAt: new Date(),
        });
        recordEvent(tx, { tenantId: tenant.id, type: 'Mfa.Factor.Enrolled', actor, requestId, target: { type: 'User', id: userId }, payload: { userId, factor: 'passkey', factorId: row.id } });
        await tx.flush();
      });
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) throw taken();
      throw err;
    }
    await notifyOutbox(em);
    const row = await em.findOneOrFail(Authenticator, { id, tenant: tenant.id });
    return { id: row.id, kind: 'passkey', name: row.name, createdAt: row.createdAt, lastUsedAt: null };
  }

  // ---------------------------------------------------------------- sign-in

  /**
   * Request options for a login flow that accepts `passkey` now; the challenge is stored on the
   * flow (replacing an unanswered one). At `identify` the allow list is empty (the browser offers
   * the user's discoverable credentials, no identifier needed); at `second_factor` it lists the
   * user's passkeys.
   */
  async flowOptions(engine: AuthnEngine, r: FlowRequest, token: string | null | undefined): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const flow = await engine.load(r.tenantId, token);
    const tenant = await engine.tenant(r.tenantId);
    const methods = await engine.nextMethods(tenant, flow);
    assertThat(methods.includes('passkey') && (flow.state === 'identify' || flow.state === 'second_factor'),
      () => outOfOrder(`a passkey cannot be used at this step (expected one of: ${methods.join(', ') || 'none'})`));
    const allow = flow.state === 'second_factor' ? await this.passkeysOf(engine.em(r.tenantId), r.tenantId, flow.userId!) : [];
    const options = await authenticationOptions(this.relyingParty(tenant), allow.map((a) => ({ id: a.credentialId!, transports: a.transports })),
      flow.state === 'identify' ? 'required' : 'preferred');
    await engine.setWebauthnChallenge(r.tenantId, flow, options.challenge);
    return options;
  }

  /** PasskeyVerifier: the engine has already spent `challenge`; a refusal changes no stored credential. */
  async verifyAssertion(em: EntityManager, tenant: Tenant, challenge: string, response: unknown, expectedUserId: string | null): Promise<{ userId: string; userVerified: boolean }> {
    try {
      const credentialId = credentialIdOf(response);
      assertThat(credentialId, () => failed('the passkey response is malformed'));
      const userHandle = assertionUserHandle(response);
      const row = await em.findOne(Authenticator, { tenant: tenant.id, kind: 'passkey', credentialId, confirmedAt: { $ne: null } });
      assertThat(row?.publicKey, () => failed('this passkey is not registered here'));
      assertThat(expectedUserId === null || row.user === expectedUserId, () => failed('this passkey belongs to another account'));
      assertThat(userHandle === null || userHandle === userHandleOf(row.user), () => failed('the passkey response names another account (user handle)'));
      const proof = await verifyAssertion(this.relyingParty(tenant), challenge, response, { id: credentialId, publicKey: row.publicKey, counter: row.signCount });
      const moved = await em.nativeUpdate(Authenticator, { id: row.id, tenant: tenant.id, signCount: row.signCount }, {
        signCount: proof.newCounter, lastUsedAt: new Date(), backedUp: proof.backedUp,
      });
      assertThat(moved === 1, () => failed('the passkey was used by another sign-in at the same time; try again'));
      return { userId: row.user, userVerified: proof.userVerified };
    } catch (err) {
      if (err instanceof WebauthnCheckError) throw failed(err.message);
      throw err;
    }
  }
}
