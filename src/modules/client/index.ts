export { Client, ClientSecret } from './client.entity.js';
export { ClientService, type CreatedClient } from './client.service.js';
export { ClientRecordStore } from './client.store.js';
