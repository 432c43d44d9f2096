/**
 * Baseline for the authorization-code and refresh scenarios (bench/auth-code-flow.ts): panva
 * oidc-provider 9 with one confidential client (client_secret_basic, authorization_code +
 * refresh_token, PKCE S256 required), RS256 ID tokens, ES256 JWT access tokens (via a default
 * resource indicator), refresh tokens for offline_access (rotated on every use), served by a plain
 * node:http server on 127.0.0.1. Run as its own process. Storage: with BENCH_DATABASE_URL, the
 * PostgreSQL adapter of oidc-provider-pg-adapter.ts (it persists what Signet persists); without,
 * oidc-provider's default in-memory LRU (nothing survives a restart; for reference).
 *
 * The interaction endpoint is headless: GET /interaction/:uid finishes login and consent at once
 * for a fixed account (grant: openid offline_access + the resource's scope), so the user agent
 * makes the same round trips as Signet's challenge-API flow: authorize → interaction → resume
 * (→ code at the redirect_uri) → token.
 *
 * Env: BENCH_CLIENT_ID, BENCH_CLIENT_SECRET, BENCH_REDIRECT_URI, BENCH_DATABASE_URL (optional). Reports `{ ready, url }` over IPC.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { pgAdapterFactory } from './oidc-provider-pg-adapter.js';
import { exitOnSignals, reportReady } from './proc.js';

const clientId = process.env.BENCH_CLIENT_ID ?? 'bench-flow-client';
const clientSecret = process.env.BENCH_CLIENT_SECRET ?? randomBytes(32).toString('base64url');
const redirectUri = process.env.BENCH_REDIRECT_URI ?? 'http://127.0.0.1:9/cb';
const RESOURCE = 'urn:signet-bench:api';
const RESOURCE_SCOPE = 'api:read';
const ACCOUNT = 'bench-user';

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const keys = [
  { ...rsa.export({ format: 'jwk' }), kid: 'bench-rs256', alg: 'RS256', use: 'sig' },
  { ...ec.export({ format: 'jwk' }), kid: 'bench-es256', alg: 'ES256', use: 'sig' },
];

const storage = process.env.BENCH_DATABASE_URL ? await pgAdapterFactory(process.env.BENCH_DATABASE_URL) : undefined;

const server = http.createServer();
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const { port } = server.address() as AddressInfo;
const issuer = `http://127.0.0.1:${port}`;

interface ProviderApi {
  interactionDetails(req: http.IncomingMessage, res: http.ServerResponse): Promise<{ uid: string; params: Record<string, unknown>; grantId?: string }>;
  interactionFinished(req: http.IncomingMessage, res: http.ServerResponse, result: Record<string, unknown>, opts?: { mergeWithLastSubmission?: boolean }): Promise<void>;
  Grant: new (init: { accountId: string; clientId: string }) => {
    addOIDCScope(scope: string): void;
    addResourceScope(resource: string, scope: string): void;
    save(): Promise<string>;
  };
}

const provider = new Provider(issuer, {
  ...(storage ? { adapter: storage.adapter } : {}),
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: [redirectUri],
    id_token_signed_response_alg: 'RS256',
  }],
  jwks: { keys },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  findAccount: (_ctx: unknown, sub: string) => ({ accountId: sub, claims: () => ({ sub }) }),
  interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
  scopes: ['openid', 'offline_access', RESOURCE_SCOPE],
  pkce: { required: () => true },
  rotateRefreshToken: true,
  ttl: { AccessToken: 3600, AuthorizationCode: 60, IdToken: 3600, RefreshToken: 14 * 24 * 3600, Interaction: 600, Session: 3600, Grant: 14 * 24 * 3600 },
  features: {
    devInteractions: { enabled: false },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => RESOURCE,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: RESOURCE_SCOPE,
        audience: RESOURCE,
        accessTokenTTL: 3600,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'ES256' } },
      }),
    },
  },
});
provider.on('server_error', (_ctx, err) => console.error('[oidc-provider] server_error', err));
const api = provider as unknown as ProviderApi;
const callback = provider.callback();

/** Finishes login + consent for ACCOUNT in one step (no HTML). */
async function interaction(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const details = await api.interactionDetails(req, res);
  const grant = new api.Grant({ accountId: ACCOUNT, clientId: String(details.params.client_id) });
  grant.addOIDCScope('openid offline_access');
  grant.addResourceScope(RESOURCE, RESOURCE_SCOPE);
  const grantId = await grant.save();
  await api.interactionFinished(req, res, { login: { accountId: ACCOUNT }, consent: { grantId } }, { mergeWithLastSubmission: false });
}

server.on('request', (req, res) => {
  if (req.method === 'GET' && req.url?.startsWith('/interaction/')) {
    interaction(req, res).catch((err: Error) => {
      if (!res.headersSent) res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(`interaction failed: ${err.message}`);
    });
    return;
  }
  callback(req, res);
});
exitOnSignals(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await storage?.close();
});
reportReady(issuer, { clientId, clientSecret, redirectUri });
