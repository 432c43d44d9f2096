export { Interaction } from './interaction.entity.js';
export { InteractionRecordStore } from './interaction.store.js';
export { InteractionService, type LoginAcceptInput, type ConsentAcceptInput, type RejectInput } from './interaction.service.js';
export { InteractionError, InteractionErrorCode } from './interaction.errors.js';
export { InteractionResolver } from './graphql/interaction.resolver.js';
