export { SigningKey, type SigningKeyStatus } from './signing-key.entity.js';
export { SigningKeyService, DEFAULT_TENANT_ALGS } from './signing-key.service.js';
export { SigningKeyStore } from './signing-key.store.js';
export { SigningKeyResolver } from './graphql/signing-key.resolver.js';
