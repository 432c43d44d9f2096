import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { tenantColumn, tenantFilter } from '../../db/tenant-scoped.js';
import type { AuthorizationRequest } from '../../protocol/interaction/authorization-request.js';

import { INTERACTION_STATES } from '../../protocol/interaction/state-machine.js';
export { INTERACTION_STATES, type InteractionState } from '../../protocol/interaction/state-machine.js';

/**
 * One authorization request in flight: its validated parameters, then the login and consent
 * decisions (see protocol/interaction/state-machine.ts). Challenges and verifiers are random,
 * single-use and stored only as SHA-256 hashes.
 */
export const Interaction = defineEntity({
  name: 'Interaction',
  tableName: 'interaction',
  properties: {
    id: p.uuid().primary(),
    tenant: tenantColumn(),
    clientId: p.string().length(128),
    state: p.enum(INTERACTION_STATES),
    request: p.json<AuthorizationRequest>(),
    loginChallengeHash: p.string().length(64).unique(),
    consentChallengeHash: p.string().length(64).nullable().unique(),
    /** SHA-256 of the resume verifier's secret; the verifier names the id, so this needs no index. */
    verifierHash: p.string().length(64).nullable(),
    /** SHA-256 of the cookie set on the browser that sent the request: only it may resume. */
    browserBindingHash: p.string().length(64),
    /** The SSO session the browser had when the request arrived (login may be skipped). */
    sessionId: p.uuid().nullable(),
    loginSkipped: p.boolean().default(false),
    subject: p.string().length(200).nullable(),
    authTime: p.datetime().nullable(),
    acr: p.string().length(100).nullable(),
    amr: p.array().nullable(),
    remember: p.boolean().default(false),
    rememberFor: p.integer().nullable(),
    loginContext: p.json<Record<string, unknown>>().nullable(),
    grantedScopes: p.array().nullable(),
    grantedAudience: p.array().nullable(),
    consentRemember: p.boolean().default(false),
    consentRememberFor: p.integer().nullable(),
    sessionClaims: p.json<{ access_token?: Record<string, unknown>; id_token?: Record<string, unknown> }>().nullable(),
    error: p.json<{ error: string; error_description?: string }>().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime().index(),
  },
  filters: tenantFilter,
});
export type Interaction = InferEntity<typeof Interaction>;
