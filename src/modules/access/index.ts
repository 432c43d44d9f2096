export { ManagementTokenVerifier, AccessDenied, REVOCATION_RECHECK_MS, type Principal } from './access-token.verifier.js';
export { ViewerResolver } from './graphql/viewer.resolver.js';
