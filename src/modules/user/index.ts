export { User, UserToken } from './user.entity.js';
export { UserService, userClaims, normaliseEmail, deletedUserId } from './user.service.js';
export { UserAccountStore } from './user.store.js';
export { UserError, UserErrorCode } from './user.errors.js';
export { UserResolver, UserConnectionResolver } from './graphql/user.resolver.js';
