export { BrowserSession } from './browser-session.entity.js';
export { BrowserSessionStore } from './session.store.js';
export { SessionService, type SessionView, type EndedSession } from './session.service.js';
export { SessionType, SessionConnection, toSessionType } from './graphql/session.type.js';
