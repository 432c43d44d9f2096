export { Consent, AuthorizationCode, RefreshToken, AccessTokenRecord, UsedAssertion } from './grant.entity.js';
export { GrantRecordStore } from './grant.store.js';
export { ConsentService } from './consent.service.js';
