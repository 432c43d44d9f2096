import { startTestServer, type TestServer } from './server.js';

/**
 * `startTestServer` with PUBLIC_URL on `http://localhost:<port>` (still listening on 127.0.0.1):
 * browsers refuse WebAuthn on an IP address (the RP ID must be a domain), and `localhost` is a
 * secure context over plain HTTP.
 */
export function startLocalhostTestServer(): Promise<TestServer> {
  return startTestServer({ publicHost: 'localhost' });
}
