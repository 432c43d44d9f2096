/**
 * The authorization-code and refresh scenarios of `npm run bench` (see bench/README.md):
 *
 * 1. Full authorization-code + PKCE (S256) flows per second, driven headlessly from the parent
 *    process with node:http (keep-alive), each flow with its own cookie jar:
 *    - Signet, through the challenge API (no HTML): GET /oauth/authorize → 303 /login?login_challenge
 *      → PUT /admin/login/accept (tenant management token) → GET redirect_to (binding cookie) →
 *      [consent challenge → PUT /admin/consent/accept → GET redirect_to] → 303 redirect_uri?code
 *      → POST /oauth/token (client_secret_basic + code_verifier).
 *    - oidc-provider (bench/oidc-provider-flow-server.ts), whose headless interaction endpoint
 *      finishes login + consent at once: GET /auth → GET /interaction/:uid → GET /auth/:uid
 *      → 303 redirect_uri?code → POST /token.
 *    A flow counts only when the token endpoint answers 200 with an id_token (and a refresh
 *    token). Before measuring, one flow per server is checked in full: ID token signature against
 *    the issuer's JWKS (RS256, iss, aud), ES256 JWT access token, refresh rotation.
 * 2. refresh_token grants per second: N refresh tokens from N fresh flows, then each of the N
 *    concurrent workers refreshes its own chain sequentially (every refresh rotates the token).
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { basicAuth, isJwt, Latencies, type LoadResult } from './load.js';
import { forkServer, isRunning, log, memoryStats, stopChild, type MemoryStats } from './proc.js';
import { compare, type Comparison } from './report.js';
import type { SignetServer } from './signet-server.js';

export const FLOW_TARGET = 1.0;
export const REFRESH_TARGET = 1.0;
const REDIRECT_URI = 'http://127.0.0.1:9/cb';
const SCOPE = 'openid offline_access';

// --- a small keep-alive HTTP client ----------------------------------------------------------------

export const agent = new http.Agent({ keepAlive: true, maxSockets: 512, maxFreeSockets: 512 });

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export function request(url: string, method: string, headers: Record<string, string>, body?: string): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) }, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`timeout: ${method} ${url}`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Cookies of one user agent (one flow); every cookie is sent to every path of the one origin. */
export class Jar {
  private readonly cookies = new Map<string, string>();
  header(): Record<string, string> {
    return this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {};
  }
  absorb(res: HttpResponse): void {
    for (const c of res.headers['set-cookie'] ?? []) {
      const [pair, ...attrs] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i).trim();
      const value = pair!.slice(i + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]!) < Date.now()));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

export class FlowError extends Error {
  constructor(readonly kind: string, message: string) { super(message); }
}

export const snippet = (r: HttpResponse) => `${r.status} ${r.body.slice(0, 200).replace(/\s+/g, ' ')}`;

// --- targets --------------------------------------------------------------------------------------

export interface FlowTarget {
  name: string;
  issuer: string;
  authorizeUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** Extra authorization request parameters (oidc-provider needs prompt=consent for offline_access). */
  extraParams: Record<string, string>;
  /** Signet: the challenge API (management token with interactions:write, user subject). */
  challengeApi?: { bearer: string; subject: string };
}

export interface TokenSet {
  access_token: string;
  id_token: string;
  refresh_token: string;
  /** HTTP round trips of the user agent + client for this flow. */
  roundTrips: number;
}

const pkce = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

async function challengeAccept(t: FlowTarget, kind: 'login' | 'consent', challenge: string): Promise<string> {
  const api = t.challengeApi!;
  const body = kind === 'login' ? { subject: api.subject, remember: false } : { grant_scope: SCOPE.split(' ') };
  const r = await request(`${t.issuer}/admin/${kind}/accept?${kind}_challenge=${encodeURIComponent(challenge)}`, 'PUT',
    { authorization: `Bearer ${api.bearer}`, 'content-type': 'application/json', accept: 'application/json' }, JSON.stringify(body));
  if (r.status !== 200) throw new FlowError(`${kind}-accept ${r.status}`, `PUT ${kind}/accept: ${snippet(r)}`);
  const to = (JSON.parse(r.body) as { redirect_to?: unknown }).redirect_to;
  if (typeof to !== 'string') throw new FlowError(`${kind}-accept body`, `PUT ${kind}/accept: no redirect_to: ${snippet(r)}`);
  return to;
}

/** One complete authorization-code + PKCE flow ending in a token response. Throws FlowError. */
export async function runFlow(t: FlowTarget): Promise<TokenSet> {
  const jar = new Jar();
  const { verifier, challenge } = pkce();
  const state = randomBytes(12).toString('base64url');
  const q = new URLSearchParams({
    client_id: t.clientId, redirect_uri: t.redirectUri, response_type: 'code', scope: SCOPE, state,
    code_challenge: challenge, code_challenge_method: 'S256', ...t.extraParams,
  });
  let next = `${t.authorizeUrl}?${q.toString().replace(/\+/g, '%20')}`;
  let roundTrips = 0;
  let code: string | undefined;
  for (let hop = 0; hop < 8 && code === undefined; hop++) {
    const r = await request(next, 'GET', { accept: 'text/html', ...jar.header() });
    roundTrips++;
    jar.absorb(r);
    const location = r.headers.location;
    if (r.status < 300 || r.status >= 400 || !location) throw new FlowError(`GET ${r.status}`, `GET ${next}: expected a redirect, got ${snippet(r)}`);
    const loc = new URL(location, next);
    if (`${loc.origin}${loc.pathname}` === t.redirectUri) {
      if (loc.searchParams.get('error')) throw new FlowError(`callback ${loc.searchParams.get('error')}`, `redirected with ${loc.search}`);
      if (loc.searchParams.get('state') !== state) throw new FlowError('state', `state mismatch in ${loc.search}`);
      code = loc.searchParams.get('code') ?? undefined;
      if (!code) throw new FlowError('no code', `no code in ${loc.search}`);
      break;
    }
    const login = loc.searchParams.get('login_challenge');
    const consent = loc.searchParams.get('consent_challenge');
    if (t.challengeApi && (login || consent)) {
      next = new URL(await challengeAccept(t, login ? 'login' : 'consent', (login ?? consent)!), next).toString();
      roundTrips++;
    } else {
      next = loc.toString();
    }
  }
  if (code === undefined) throw new FlowError('redirect loop', 'too many redirects');
  const r = await request(t.tokenUrl, 'POST', {
    authorization: basicAuth(t.clientId, t.clientSecret), 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json',
  }, new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: t.redirectUri, code_verifier: verifier }).toString());
  roundTrips++;
  if (r.status !== 200) throw new FlowError(`token ${r.status}`, `token: ${snippet(r)}`);
  const body = JSON.parse(r.body) as Partial<TokenSet>;
  if (typeof body.id_token !== 'string' || typeof body.access_token !== 'string') throw new FlowError('token body', `token: no id_token/access_token: ${snippet(r)}`);
  if (typeof body.refresh_token !== 'string') throw new FlowError('no refresh_token', `token: no refresh_token: ${snippet(r)}`);
  return { access_token: body.access_token, id_token: body.id_token, refresh_token: body.refresh_token, roundTrips };
}

/** One refresh_token grant; returns the new (rotated) refresh token. Throws FlowError. */
export async function runRefresh(t: FlowTarget, refreshToken: string): Promise<{ refresh_token: string; access_token: string; id_token?: string }> {
  const r = await request(t.tokenUrl, 'POST', {
    authorization: basicAuth(t.clientId, t.clientSecret), 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json',
  }, new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }).toString());
  if (r.status !== 200) throw new FlowError(`refresh ${r.status}`, `refresh: ${snippet(r)}`);
  const body = JSON.parse(r.body) as { refresh_token?: unknown; access_token?: unknown; id_token?: unknown };
  if (typeof body.access_token !== 'string' || typeof body.refresh_token !== 'string') throw new FlowError('refresh body', `refresh: ${snippet(r)}`);
  return { refresh_token: body.refresh_token, access_token: body.access_token, id_token: typeof body.id_token === 'string' ? body.id_token : undefined };
}

// --- verification ---------------------------------------------------------------------------------

export interface FlowVerification {
  roundTrips: number;
  idTokenAlg: unknown;
  accessTokenAlg: unknown;
  accessTokenFormat: 'jwt' | 'opaque';
  refreshIdToken: boolean;
  rotation: boolean;
}

/** One flow checked in full: ID token signature/iss/aud against the JWKS, AT format, refresh rotation. */
export async function verifyFlow(t: FlowTarget): Promise<FlowVerification> {
  const tokens = await runFlow(t);
  const disco = await request(`${t.issuer}/.well-known/openid-configuration`, 'GET', { accept: 'application/json' });
  const meta = JSON.parse(disco.body) as { issuer: string; jwks_uri: string };
  if (meta.issuer !== t.issuer) throw new Error(`${t.name}: discovery issuer ${meta.issuer} != ${t.issuer}`);
  const jwks = createRemoteJWKSet(new URL(meta.jwks_uri));
  const { protectedHeader } = await jwtVerify(tokens.id_token, jwks, { issuer: t.issuer, audience: t.clientId });
  if (protectedHeader.alg !== 'RS256') throw new Error(`${t.name}: id_token alg ${protectedHeader.alg}, expected RS256`);
  const atJwt = isJwt(tokens.access_token);
  let atAlg: unknown;
  if (atJwt) {
    atAlg = decodeProtectedHeader(tokens.access_token).alg;
    await jwtVerify(tokens.access_token, jwks, { issuer: t.issuer });
  }
  const r1 = await runRefresh(t, tokens.refresh_token);
  const rotated = r1.refresh_token !== tokens.refresh_token;
  // Rotation: the consumed refresh token must now be refused.
  let oldRefused = false;
  try { await runRefresh(t, tokens.refresh_token); } catch (err) { oldRefused = err instanceof FlowError; }
  return {
    roundTrips: tokens.roundTrips, idTokenAlg: protectedHeader.alg, accessTokenAlg: atAlg,
    accessTokenFormat: atJwt ? 'jwt' : 'opaque', refreshIdToken: r1.id_token !== undefined, rotation: rotated && oldRefused,
  };
}

// --- the load loop ----------------------------------------------------------------------------------

/**
 * `concurrency` workers each run `op(worker)` back to back for warm-up + duration seconds; ops
 * started after the warm-up are measured. Failed ops are counted by kind (HTTP status or check).
 */
export async function runWorkers(concurrency: number, warmupS: number, durationS: number, op: (worker: number) => Promise<void>): Promise<LoadResult & { failures: Record<string, number>; firstFailure?: string }> {
  const lat = new Latencies();
  const failures: Record<string, number> = {};
  let firstFailure: string | undefined;
  let failed = 0;
  let stopped = 0;
  const t0 = performance.now();
  const measureFrom = t0 + warmupS * 1000;
  const end = measureFrom + durationS * 1000;
  let last = measureFrom;
  const worker = async (w: number) => {
    while (performance.now() < end) {
      const start = performance.now();
      try {
        await op(w);
        if (start >= measureFrom) lat.add(performance.now() - start);
      } catch (err) {
        if (err instanceof StopWorker) { stopped++; return; }
        const kind = err instanceof FlowError ? err.kind : 'error';
        if (start >= measureFrom) { failures[kind] = (failures[kind] ?? 0) + 1; failed++; }
        firstFailure ??= (err as Error).message;
      }
      last = Math.max(last, performance.now());
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  const seconds = (Math.max(last, end) - measureFrom) / 1000;
  const s = lat.summary();
  const statusFailures = Object.entries(failures).filter(([k]) => / \d{3}$/.test(k)).reduce((n, [, v]) => n + v, 0);
  if (stopped) failures['workers stopped (no refresh token left)'] = stopped;
  return {
    connections: concurrency, durationSeconds: seconds, rps: lat.count / seconds, p50Ms: s.p50, p99Ms: s.p99, meanMs: s.mean,
    total: lat.count + failed, ok: lat.count, non2xx: statusFailures, errors: failed - statusFailures, timeouts: 0, mismatches: 0,
    statusCodes: {}, failures, firstFailure,
  };
}

class StopWorker extends Error {}

export async function measureFlows(t: FlowTarget, concurrency: number, warmupS: number, durationS: number) {
  return runWorkers(concurrency, warmupS, durationS, async () => { await runFlow(t); });
}

/** Each worker refreshes its own chain; a broken chain takes a spare token (or stops the worker). */
export async function measureRefresh(t: FlowTarget, tokens: string[], concurrency: number, warmupS: number, durationS: number) {
  const chains: Array<string | undefined> = tokens.slice(0, concurrency);
  const spares = tokens.slice(concurrency);
  return runWorkers(concurrency, warmupS, durationS, async (w) => {
    const rt = chains[w];
    if (rt === undefined) throw new StopWorker();
    try {
      chains[w] = (await runRefresh(t, rt)).refresh_token;
    } catch (err) {
      chains[w] = spares.pop();
      throw err;
    }
  });
}

/** `n` refresh tokens from `n` flows, `parallel` at a time. */
async function collectRefreshTokens(t: FlowTarget, n: number, parallel = 16): Promise<string[]> {
  const out: string[] = [];
  let started = 0;
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (started < n) {
      started++;
      out.push((await runFlow(t)).refresh_token);
    }
  }));
  return out;
}

// --- setup ------------------------------------------------------------------------------------------

export async function postForm(url: string, auth: string, form: Record<string, string>): Promise<Record<string, unknown>> {
  const r = await request(url, 'POST', { authorization: auth, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, new URLSearchParams(form).toString());
  if (r.status !== 200) throw new Error(`POST ${url}: ${snippet(r)}`);
  return JSON.parse(r.body) as Record<string, unknown>;
}

export async function gql<T>(url: string, bearer: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const r = await request(`${url}/graphql`, 'POST', { authorization: `Bearer ${bearer}`, 'content-type': 'application/json', accept: 'application/json' }, JSON.stringify({ query, variables }));
  const j = JSON.parse(r.body) as { data?: Record<string, { userErrors?: Array<{ message: string }> } & T>; errors?: Array<{ message: string }> };
  if (r.status !== 200 || j.errors?.length || !j.data) throw new Error(`GraphQL: ${j.errors?.[0]?.message ?? snippet(r)}`);
  const payload = Object.values(j.data)[0]!;
  if (payload.userErrors?.length) throw new Error(`GraphQL: ${payload.userErrors.map((e) => e.message).join('; ')}`);
  return payload as T;
}

/** A fresh tenant with its management client, one user and one confidential client (skipConsent). */
export async function setupSignetFlowTarget(signet: SignetServer, opts: { skipConsent?: boolean } = {}): Promise<FlowTarget> {
  const root = await postForm(`${signet.url}/t/system/oauth/token`, basicAuth(signet.clientId, signet.clientSecret), { grant_type: 'client_credentials' });
  const slug = `bench-flow-${Date.now().toString(36)}`;
  const tenant = await gql<{ managementClient: { clientId: string; plaintextSecret: string } | null }>(signet.url, root.access_token as string,
    'mutation($input: TenantCreateInput!) { tenantCreate(input: $input) { managementClient { clientId plaintextSecret } userErrors { message } } }',
    { input: { slug, name: 'Bench flows' } });
  if (!tenant.managementClient) throw new Error('tenantCreate returned no management client');
  const issuer = `${signet.url}/t/${slug}`;
  const mgmt = await postForm(`${issuer}/oauth/token`, basicAuth(tenant.managementClient.clientId, tenant.managementClient.plaintextSecret), { grant_type: 'client_credentials' });
  const bearer = mgmt.access_token as string;
  const user = await gql<{ user: { subject: string } | null }>(signet.url, bearer,
    'mutation($input: UserCreateInput!) { userCreate(input: $input) { user { subject } userErrors { message } } }',
    { input: { email: `bench-${randomBytes(4).toString('hex')}@example.test`, password: randomBytes(18).toString('base64url') } });
  const client = await gql<{ client: { clientId: string } | null; plaintextSecret: string | null }>(signet.url, bearer,
    'mutation($input: ClientCreateInput!) { clientCreate(input: $input) { client { clientId } plaintextSecret userErrors { message } } }',
    { input: { name: 'Bench flow client', redirectUris: [REDIRECT_URI], grantTypes: ['authorization_code', 'refresh_token'], scopes: SCOPE.split(' '), skipConsent: opts.skipConsent ?? true } });
  if (!user.user || !client.client || !client.plaintextSecret) throw new Error('userCreate / clientCreate returned nothing');
  return {
    name: 'Signet', issuer, authorizeUrl: `${issuer}/oauth/authorize`, tokenUrl: `${issuer}/oauth/token`,
    clientId: client.client.clientId, clientSecret: client.plaintextSecret, redirectUri: REDIRECT_URI, extraParams: {},
    challengeApi: { bearer, subject: user.user.subject },
  };
}

function oidcProviderTarget(url: string, info: Record<string, string>): FlowTarget {
  return {
    name: 'oidc-provider', issuer: url, authorizeUrl: `${url}/auth`, tokenUrl: `${url}/token`,
    clientId: info.clientId!, clientSecret: info.clientSecret!, redirectUri: info.redirectUri!,
    // oidc-provider drops offline_access unless prompt=consent is requested.
    extraParams: { prompt: 'consent' },
  };
}

// --- the scenario -------------------------------------------------------------------------------------

export interface AuthCodeReport {
  verification: { signet?: FlowVerification; 'oidc-provider'?: FlowVerification; 'oidc-provider in-memory'?: FlowVerification };
  flows: Comparison[];
  refresh: Comparison[];
  oidcProviderMemory?: MemoryStats;
  errors: string[];
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

type Baseline = { key: 'oidc-provider' | 'oidc-provider in-memory'; label: string; target?: FlowTarget; child?: Awaited<ReturnType<typeof forkServer>> };

/**
 * Signet against oidc-provider twice: with the PostgreSQL adapter (the judged baseline: it stores
 * what Signet stores, in the same PostgreSQL server) and with its default in-memory LRU (printed
 * for reference: nothing is written anywhere, nothing survives a restart).
 */
export async function runAuthCodeScenarios(signet: SignetServer | undefined, signetAlive: () => boolean, opts: { concurrency: number[]; warmupS: number; durationS: number; baselineDatabaseUrl?: string }): Promise<AuthCodeReport> {
  const report: AuthCodeReport = { verification: {}, flows: [], refresh: [], errors: [] };
  let signetTarget: FlowTarget | undefined;

  if (signet && signetAlive()) {
    try {
      const t = await setupSignetFlowTarget(signet);
      report.verification.signet = await verifyFlow(t);
      signetTarget = t;
      log(`Signet code flow verified: ${JSON.stringify(report.verification.signet)}`);
    } catch (err) {
      report.errors.push(`Signet code flow: ${errorText(err)}`);
    }
  }
  const baselines: Baseline[] = [
    { key: 'oidc-provider', label: 'oidc-provider 9 + PostgreSQL' },
    { key: 'oidc-provider in-memory', label: 'oidc-provider 9 in-memory (ref.)' },
  ];
  for (const b of baselines) {
    if (b.key === 'oidc-provider' && !opts.baselineDatabaseUrl) {
      report.errors.push('oidc-provider + PostgreSQL: no database for it (see bench/README.md)');
      continue;
    }
    try {
      b.child = await forkServer(`${b.label} (code flow)`, 'oidc-provider-flow-server.js', {
        NODE_ENV: 'production', BENCH_CLIENT_ID: 'bench-flow-client', BENCH_CLIENT_SECRET: randomBytes(32).toString('base64url'), BENCH_REDIRECT_URI: REDIRECT_URI,
        ...(b.key === 'oidc-provider' ? { BENCH_DATABASE_URL: opts.baselineDatabaseUrl! } : {}),
      });
      const t = { ...oidcProviderTarget(b.child.url, b.child.info), name: b.label };
      report.verification[b.key] = await verifyFlow(t);
      b.target = t;
      log(`${b.label} code flow verified: ${JSON.stringify(report.verification[b.key])}`);
    } catch (err) {
      report.errors.push(`${b.label} code flow: ${errorText(err)}`);
    }
  }
  const alive = (b: Baseline) => () => b.child !== undefined && isRunning(b.child.child);
  const [judged, reference] = baselines as [Baseline, Baseline];

  type Measured = Awaited<ReturnType<typeof runWorkers>>;
  const measure = async (label: string, isAlive: () => boolean, notes: string[], fn: () => Promise<Measured>): Promise<Measured | undefined> => {
    if (!isAlive()) { notes.push(`${label}: server not running`); return undefined; }
    try {
      log(`${label}: ${opts.warmupS} s warm-up + ${opts.durationS} s`);
      const r = await fn();
      log(`${label}: ${r.rps.toFixed(1)}/s, p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms, failures ${JSON.stringify(r.failures)}`);
      if (Object.keys(r.failures).length) notes.push(`${label}: failures ${JSON.stringify(r.failures)}${r.firstFailure ? `, e.g. ${r.firstFailure}` : ''}`);
      return r;
    } catch (err) {
      notes.push(`${label}: ${errorText(err)}`);
      return undefined;
    }
  };
  const rt = (v?: FlowVerification) => (v ? ` (${v.roundTrips} round trips)` : '');
  const refOf = (b: Baseline, result: Measured | undefined, signetResult: Measured | undefined, roundTrips = true) => ({
    label: `${b.label}${roundTrips ? rt(report.verification[b.key]) : ''}`, result,
    ratio: result?.ok && signetResult?.ok ? signetResult.rps / result.rps : undefined,
  });

  for (const c of opts.concurrency) {
    const notes: string[] = c === opts.concurrency[0] ? [...report.errors] : [];
    const flows = (t: FlowTarget) => () => measureFlows(t, c, opts.warmupS, opts.durationS);
    const s = signetTarget ? await measure(`Signet code flow @${c}`, signetAlive, notes, flows(signetTarget)) : undefined;
    const b = judged.target ? await measure(`${judged.label} code flow @${c}`, alive(judged), notes, flows(judged.target)) : undefined;
    const r = reference.target ? await measure(`${reference.label} code flow @${c}`, alive(reference), notes, flows(reference.target)) : undefined;
    report.flows.push({
      ...compare({
        scenario: 'authorization_code + PKCE flow', connections: c,
        signetLabel: `Signet challenge API${rt(report.verification.signet)}`, baselineLabel: `${judged.label}${rt(report.verification[judged.key])}`,
        signet: s, baseline: b, target: FLOW_TARGET, note: notes.join('; ') || undefined,
      }),
      reference: refOf(reference, r, s),
    });
  }

  // Refresh: one chain per worker, each from a fresh flow (plus a few spares for broken chains),
  // collected right before each run (oidc-provider's in-memory store is an LRU).
  for (const c of opts.concurrency) {
    const notes: string[] = [];
    const run = async (name: string, t: FlowTarget | undefined, isAlive: () => boolean): Promise<Measured | undefined> => {
      if (!t || !isAlive()) return undefined;
      let tokens: string[];
      try {
        tokens = await collectRefreshTokens(t, c + 8);
      } catch (err) {
        notes.push(`${name}: collecting refresh tokens: ${errorText(err)}`);
        return undefined;
      }
      return measure(`${name} refresh @${c}`, isAlive, notes, () => measureRefresh(t, tokens, c, opts.warmupS, opts.durationS));
    };
    const s = await run('Signet', signetTarget, signetAlive);
    const b = await run(judged.label, judged.target, alive(judged));
    const r = await run(reference.label, reference.target, alive(reference));
    report.refresh.push({
      ...compare({
        scenario: 'refresh_token (rotating)', connections: c, signetLabel: 'Signet', baselineLabel: judged.label,
        signet: s, baseline: b, target: REFRESH_TARGET, note: notes.join('; ') || undefined,
      }),
      reference: refOf(reference, r, s, false),
    });
  }

  for (const b of baselines) {
    if (!b.child) continue;
    if (b === judged) report.oidcProviderMemory = memoryStats(b.child.pid);
    await stopChild(b.child.child);
  }
  agent.destroy();
  return report;
}
