import type { MikroORM } from '@mikro-orm/postgresql';
import { uuid } from '../../crypto/random.js';
import { tenantEm } from '../../db/tenant-em.js';
import type { Logger } from '../../shared/logger.js';
import { DevSms } from './dev-sms.entity.js';

export interface SmsMessage {
  /** E.164 phone number. */
  to: string;
  text: string;
}

/** How Signet sends text messages (phone OTP). Implementations never log the text (it carries codes). */
export interface SmsTransport {
  send(message: SmsMessage, meta: { tenantId: string }): Promise<void>;
}

/** Development and tests: messages are kept in PostgreSQL (`dev_sms`), readable via `devTextMessages`. */
export class DevSmsTransport implements SmsTransport {
  constructor(private readonly orm: MikroORM) {}

  async send(message: SmsMessage, meta: { tenantId: string }): Promise<void> {
    const em = tenantEm(this.orm, meta.tenantId);
    em.create(DevSms, { id: uuid(), tenant: meta.tenantId, to: message.to.slice(0, 40), text: message.text });
    await em.flush();
  }
}

/** Production until an SMS provider is configured: dropped with a warning (country code only, never the text). */
export class UnconfiguredSmsTransport implements SmsTransport {
  constructor(private readonly log: Logger) {}

  send(message: SmsMessage, meta: { tenantId: string }): Promise<void> {
    this.log.warn({ tenantId: meta.tenantId, toPrefix: message.to.slice(0, 3) }, 'no SMS transport configured: message dropped');
    return Promise.resolve();
  }
}
