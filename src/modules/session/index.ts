export { BrowserSession } from './browser-session.entity.js';
export { BrowserSessionStore } from './session.store.js';
