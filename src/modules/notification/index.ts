export { DevMail } from './dev-mail.entity.js';
export { DevMailboxTransport, UnconfiguredMailTransport, type MailMessage, type MailTransport } from './mail.transport.js';
export { DevMailboxResolver, DevTextMessagesResolver } from './graphql/dev-mailbox.resolver.js';
export { DevSms } from './dev-sms.entity.js';
export { DevSmsTransport, UnconfiguredSmsTransport, type SmsMessage, type SmsTransport } from './sms.transport.js';
