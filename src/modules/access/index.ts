export { ManagementTokenVerifier, AccessDenied, type Principal } from './access-token.verifier.js';
export { ViewerResolver } from './graphql/viewer.resolver.js';
