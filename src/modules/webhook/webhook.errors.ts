import { DomainError } from '../../shared/domain-error.js';

export enum WebhookErrorCode {
  NOT_FOUND = 'NOT_FOUND',
  URL_INVALID = 'URL_INVALID',
  URL_REFUSED = 'URL_REFUSED',
  EVENT_TYPE_UNKNOWN = 'EVENT_TYPE_UNKNOWN',
  DESCRIPTION_INVALID = 'DESCRIPTION_INVALID',
  ENDPOINT_DISABLED = 'ENDPOINT_DISABLED',
  DELIVERY_NOT_FOUND = 'DELIVERY_NOT_FOUND',
  LIMIT_REACHED = 'LIMIT_REACHED',
}

export class WebhookError extends DomainError<WebhookErrorCode> {
  readonly domain = 'webhook';
}
