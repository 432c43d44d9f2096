import { inject } from 'vitest';
import { print, type ExecutionResult } from 'graphql';
import { loadConfig } from '../../src/config/env.js';
import { freePort } from '../../src/config/embedded/process-utils.js';
import { serve } from '../../src/main.js';
import { registerSecret } from './secrets.js';
import { testEnv, type TestServer } from './server.js';

/**
 * `startTestServer` with PUBLIC_URL on `http://localhost:<port>` (still listening on 127.0.0.1):
 * browsers refuse WebAuthn on an IP address (the RP ID must be a domain), and `localhost` is a
 * secure context over plain HTTP.
 */
export async function startLocalhostTestServer(): Promise<TestServer> {
  const port = await freePort();
  const publicUrl = `http://localhost:${port}`;
  const config = loadConfig(testEnv({ PORT: String(port), PUBLIC_URL: publicUrl, HOST: '127.0.0.1' }));
  const server = await serve(config);
  const logDir = inject('logDir');
  const token: TestServer['token'] = async (o = {}) => {
    const body = new URLSearchParams({ grant_type: 'client_credentials' });
    if (o.scope) body.set('scope', o.scope);
    if (o.resource) body.set('resource', o.resource);
    const id = o.clientId ?? inject('rootClientId');
    const secret = o.clientSecret ?? inject('rootClientSecret');
    const res = await fetch(`${publicUrl}/t/${o.tenant ?? 'system'}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}` },
      body,
    });
    const json = (await res.json()) as { access_token?: string };
    if (!json.access_token) throw new Error(`token request failed: ${res.status} ${JSON.stringify(json)}`);
    registerSecret(logDir, json.access_token);
    return json.access_token;
  };
  let root: string | undefined;
  const s: TestServer = {
    url: publicUrl, publicUrl, server, config, token,
    stop: () => server.stop(),
    async rootToken(scope?: string) {
      if (scope) return token({ scope });
      root ??= await token();
      return root;
    },
    async gql(doc, variables, o = {}) {
      const bearer = o.token === undefined ? await s.rootToken() : o.token;
      const res = await fetch(`${publicUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...(o.tenant ? { 'signet-tenant': o.tenant } : {}), ...o.headers },
        body: JSON.stringify({ query: typeof doc === 'string' ? doc : print(doc), variables }),
      });
      const json = (await res.json()) as ExecutionResult<never>;
      return { ...json, status: res.status, headers: res.headers };
    },
  };
  return s;
}
