export { WebhookEndpoint, WebhookDelivery, WebhookAttempt } from './webhook.entity.js';
export { WebhookService } from './webhook.service.js';
export { WebhookDeliveryService, DeliveryRetry, type WebhookJob, type DeliveryOutcome } from './webhook-delivery.service.js';
export { endpointWants, webhookBody } from './webhook.message.js';
export { WebhookResolver, WebhookDeliveryResolver } from './graphql/webhook.resolver.js';
