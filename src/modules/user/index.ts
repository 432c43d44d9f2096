export { User } from './user.entity.js';
export { UserService, userClaims, normaliseEmail } from './user.service.js';
export { UserAccountStore } from './user.store.js';
export { UserError, UserErrorCode } from './user.errors.js';
export { UserResolver } from './graphql/user.resolver.js';
