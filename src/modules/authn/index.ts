export { Authenticator, KnownDevice, LoginFlow, RecoveryCode, type FlowPurpose, type FlowState, type PendingOtp } from './authn.entity.js';
export { AuthnError, AuthnErrorCode, AUTHN_ERROR_STATUS } from './authn.errors.js';
export { AuthnEngine, FIRST_FACTORS, SECOND_FACTORS, MAX_FAILURES, type AuthenticateInput, type CompleteResult, type FlowRequest, type FlowView, type PasskeyVerifier, type StepResult } from './authn.engine.js';
export { FactorService, RECOVERY_CODE_COUNT, type FactorView, type TotpEnrolment } from './factors.service.js';
export { LoginThrottle } from './throttle.js';
export { PasskeyService, REGISTRATION_CHALLENGE_TTL_SECONDS } from './passkeys.service.js';
export { passwordVerifications } from './authn.metrics.js';
export { AuthenticatorResolver } from './graphql/authenticator.resolver.js';
