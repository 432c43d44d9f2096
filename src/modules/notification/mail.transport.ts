import type { MikroORM } from '@mikro-orm/postgresql';
import { uuid } from '../../crypto/random.js';
import { tenantEm } from '../../db/tenant-em.js';
import type { Logger } from '../../shared/logger.js';
import { DevMail } from './dev-mail.entity.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string | null;
}

/**
 * How Signet sends mail (invitations, password resets). Implementations must not log message
 * bodies: they carry single-use tokens.
 */
export interface MailTransport {
  send(message: MailMessage, meta: { tenantId: string }): Promise<void>;
}

/** Development and tests: messages are kept in PostgreSQL (`dev_mail`), readable via `devMailbox`. */
export class DevMailboxTransport implements MailTransport {
  constructor(private readonly orm: MikroORM) {}

  async send(message: MailMessage, meta: { tenantId: string }): Promise<void> {
    const em = tenantEm(this.orm, meta.tenantId);
    em.create(DevMail, {
      id: uuid(), tenant: meta.tenantId, to: message.to.slice(0, 320), subject: message.subject.slice(0, 300),
      text: message.text, html: message.html ?? null,
    });
    await em.flush();
  }
}

/**
 * Production until a real transport (SMTP, provider API) is configured: the message is dropped
 * with a warning naming the recipient's domain and the subject only (never the body).
 */
export class UnconfiguredMailTransport implements MailTransport {
  constructor(private readonly log: Logger) {}

  send(message: MailMessage, meta: { tenantId: string }): Promise<void> {
    this.log.warn({ tenantId: meta.tenantId, toDomain: message.to.split('@')[1], subject: message.subject }, 'no mail transport configured: message dropped');
    return Promise.resolve();
  }
}
