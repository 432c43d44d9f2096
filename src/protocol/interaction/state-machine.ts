/**
 * The login and consent challenge state machine (one row per authorization request).
 *
 * ```mermaid
 * stateDiagram-v2
 *   [*] --> login_pending: GET /oauth/authorize (no usable SSO session)
 *   [*] --> consent_pending: GET /oauth/authorize (session reused, login skipped)
 *   login_pending --> login_accepted: PUT /admin/login/accept (or hosted login)
 *   login_pending --> login_rejected: PUT /admin/login/reject
 *   login_accepted --> consent_pending: browser resumes (session cookie set)
 *   login_accepted --> completed: browser resumes, consent skipped or remembered (code issued)
 *   consent_pending --> consent_accepted: PUT /admin/consent/accept (or hosted consent)
 *   consent_pending --> consent_rejected: PUT /admin/consent/reject
 *   consent_accepted --> completed: browser resumes (code issued)
 *   login_rejected --> completed: browser resumes (error sent to the client)
 *   consent_rejected --> completed: browser resumes (error sent to the client)
 *   completed --> [*]
 * ```
 *
 * Invariants: every transition is taken once (accepting twice is an error, not a no-op); the
 * browser resumes with a single-use verifier and the binding cookie set when the request arrived
 * (a verifier alone, stolen or replayed, is useless); an interaction expires after
 * `interactionTtlSeconds` whatever its state.
 */
export const INTERACTION_STATES = [
  'login_pending', 'login_accepted', 'login_rejected',
  'consent_pending', 'consent_accepted', 'consent_rejected', 'completed',
] as const;
export type InteractionState = (typeof INTERACTION_STATES)[number];

export type InteractionEvent = 'acceptLogin' | 'rejectLogin' | 'startConsent' | 'acceptConsent' | 'rejectConsent' | 'complete';

const TRANSITIONS: Record<InteractionEvent, Partial<Record<InteractionState, InteractionState>>> = {
  acceptLogin: { login_pending: 'login_accepted' },
  rejectLogin: { login_pending: 'login_rejected' },
  startConsent: { login_accepted: 'consent_pending' },
  acceptConsent: { consent_pending: 'consent_accepted' },
  rejectConsent: { consent_pending: 'consent_rejected' },
  complete: { login_accepted: 'completed', consent_accepted: 'completed', login_rejected: 'completed', consent_rejected: 'completed' },
};

export class InvalidTransition extends Error {
  constructor(readonly from: InteractionState, readonly event: InteractionEvent) {
    super(`the challenge cannot be ${describe(event)} in state ${from}`);
  }
}

function describe(e: InteractionEvent): string {
  return { acceptLogin: 'accepted', rejectLogin: 'rejected', startConsent: 'moved to consent', acceptConsent: 'accepted', rejectConsent: 'rejected', complete: 'completed' }[e];
}

export function transition(from: InteractionState, event: InteractionEvent): InteractionState {
  const to = TRANSITIONS[event][from];
  if (!to) throw new InvalidTransition(from, event);
  return to;
}

/** The states from which an event may fire (used for atomic conditional updates). */
export function sourcesOf(event: InteractionEvent): InteractionState[] {
  return Object.keys(TRANSITIONS[event]) as InteractionState[];
}
