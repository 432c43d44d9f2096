export { DevMail } from './dev-mail.entity.js';
export { DevMailboxTransport, UnconfiguredMailTransport, type MailMessage, type MailTransport } from './mail.transport.js';
export { DevMailboxResolver } from './graphql/dev-mailbox.resolver.js';
