export { Client, ClientSecret } from './client.entity.js';
export { ClientService, type CreatedClient } from './client.service.js';
export { ClientRecordStore } from './client.store.js';
export { ClientResolver } from './graphql/client.resolver.js';
export { ClientError, ClientErrorCode } from './client.errors.js';
