/**
 * `npm run bench`: Signet versus oidc-provider (client_credentials) and versus a bare Apollo
 * Server (GraphQL), plus Signet's peak RSS. See bench/README.md.
 */
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  graphqlTarget, runLoad, runLoadInterleaved, tokenTarget, verifyGraphql, verifyTokenEndpoint, warmUp,
  type LoadResult, type LoadTarget,
} from './load.js';
import { forkServer, isRunning, log, memoryStats, ROOT, stopAllChildren, stopChild, type ForkedServer } from './proc.js';
import { compare, formatTable, mib, writeJson, type BenchReport } from './report.js';
import { oidcProviderDatabase, startSignet, startSignetServices, type SignetServer, type SignetServices } from './signet-server.js';
import { formatEvents, runEventsScenario, type EventsReport } from './events.js';
import { runAuthCodeScenarios } from './auth-code-flow.js';
import { formatUsersPage, runUsersPageScenario, type UsersPageReport } from './users-page.js';
import { formatPasswordLogin, runPasswordLoginScenario, type PasswordLoginReport } from './password-login.js';

function numberEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new Error(`${name}=${JSON.stringify(raw)} must be a number >= ${min}`);
  return n;
}

const DURATION = Math.round(numberEnv('BENCH_DURATION', 10, 1));
const WARMUP = Math.round(numberEnv('BENCH_WARMUP', 2, 0));
const CONNECTIONS = (process.env.BENCH_CONNECTIONS || '16,64').split(',').map((s) => {
  const n = Number(s.trim());
  if (!Number.isInteger(n) || n < 1) throw new Error(`BENCH_CONNECTIONS must be a comma-separated list of positive integers`);
  return n;
});
const TOKEN_TARGET = 1.5;
const GRAPHQL_TARGET = 0.8;
const RSS_TARGET_MIB = 256;
const RESULTS_FILE = path.join(ROOT, 'bench', 'results', 'latest.json');

let services: SignetServices | undefined;
let shuttingDown = false;

async function cleanup(): Promise<void> {
  await stopAllChildren();
  if (services) {
    const s = services;
    services = undefined;
    await s.stop().catch((err: Error) => log(`stopping services: ${err.message}`));
  }
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (shuttingDown) return;
    shuttingDown = true;
    log(`${sig}: stopping servers`);
    void cleanup().finally(() => process.exit(130));
  });
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Warm-up then measure; a dead server or a failed run yields undefined plus a note. */
async function measure(name: string, target: LoadTarget, connections: number, alive: () => boolean, notes: string[]): Promise<LoadResult | undefined> {
  if (!alive()) {
    notes.push(`${name} is not running`);
    return undefined;
  }
  try {
    log(`${name}: ${connections} connections, ${WARMUP} s warm-up + ${DURATION} s`);
    await warmUp(target, connections, WARMUP);
    const r = await runLoad(target, connections, DURATION);
    log(`${name}: ${r.rps.toFixed(1)} req/s, p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms, non-2xx ${r.non2xx}, errors ${r.errors}`);
    if (r.non2xx || r.errors) notes.push(`${name}: ${r.non2xx} non-2xx, ${r.errors} errors, status codes ${JSON.stringify(r.statusCodes)}`);
    if (!alive()) notes.push(`${name} exited during the run`);
    return r;
  } catch (err) {
    notes.push(`${name}: ${errorText(err)}`);
    return undefined;
  }
}

interface Contender {
  name: string;
  target: LoadTarget | undefined;
  alive: () => boolean;
}

/** Rounds per side-by-side measurement: alternating runs of at least 3 s each (runLoadInterleaved). */
const ROUNDS = Math.max(1, Math.floor(DURATION / 3));

/**
 * Signet and its baseline at one concurrency, side by side in time (each warmed up, then
 * ROUNDS alternating runs). When only one of them is up, it is measured alone.
 */
async function measurePair(a: Contender, b: Contender, connections: number, notes: string[]): Promise<[LoadResult | undefined, LoadResult | undefined]> {
  const up = (x: Contender): x is Contender & { target: LoadTarget } => x.target !== undefined && x.alive();
  if (!up(a) || !up(b)) {
    return [up(a) ? await measure(a.name, a.target, connections, a.alive, notes) : undefined, up(b) ? await measure(b.name, b.target, connections, b.alive, notes) : undefined];
  }
  try {
    log(`${a.name} and ${b.name}: ${connections} connections, ${WARMUP} s warm-up each, then ${ROUNDS} alternating rounds of ${(DURATION / ROUNDS).toFixed(1)} s`);
    await warmUp(a.target, connections, WARMUP);
    await warmUp(b.target, connections, WARMUP);
    const results = await runLoadInterleaved([a.target, b.target], connections, DURATION, ROUNDS);
    [a, b].forEach((x, i) => {
      const r = results[i]!;
      log(`${x.name}: ${r.rps.toFixed(1)} req/s, p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms, non-2xx ${r.non2xx}, errors ${r.errors}`);
      if (r.non2xx || r.errors) notes.push(`${x.name}: ${r.non2xx} non-2xx, ${r.errors} errors, status codes ${JSON.stringify(r.statusCodes)}`);
      if (!x.alive()) notes.push(`${x.name} exited during the run`);
    });
    return results;
  } catch (err) {
    notes.push(`${a.name} / ${b.name}: ${errorText(err)}`);
    return [undefined, undefined];
  }
}

async function main(): Promise<number> {
  const report: BenchReport = {
    meta: {
      date: new Date().toISOString(),
      node: process.version,
      platform: `${os.platform()} ${os.arch()}`,
      cpus: os.availableParallelism(),
      cpuModel: os.cpus()[0]?.model?.trim() ?? 'unknown',
      totalMemoryMiB: mib(os.totalmem()),
      loadAverage: { start: os.loadavg()[0]! },
      durationSeconds: DURATION,
      warmupSeconds: WARMUP,
      connections: CONNECTIONS,
    },
    signet: { ran: false },
    baselines: { 'oidc-provider': { ran: false }, 'apollo-hello': { ran: false } },
    token: [],
    graphql: [],
    memory: { targetMiB: RSS_TARGET_MIB, baselines: {} },
  };
  log(`Node ${process.version}, ${report.meta.cpus} CPU(s); ${DURATION} s per run, connections ${CONNECTIONS.join(',')}`);

  // Signet first: its services take longest to come up.
  let signet: SignetServer | undefined;
  try {
    log('starting PostgreSQL + Redis for Signet');
    services = await startSignetServices();
    log('migrating and starting signet serve');
    signet = await startSignet(services);
    report.signet.url = signet.url;
    log(`signet serve pid ${signet.pid} on ${signet.url}`);
  } catch (err) {
    report.signet.error = errorText(err);
    log(`Signet unavailable: ${report.signet.error}`);
  }
  const signetAlive = () => signet !== undefined && isRunning(signet.child);

  // --- 1. client_credentials token endpoint ---------------------------------------------------
  let oidc: ForkedServer | undefined;
  try {
    oidc = await forkServer('oidc-provider', 'oidc-provider-server.js', {
      NODE_ENV: 'production',
      BENCH_CLIENT_ID: 'bench-client',
      BENCH_CLIENT_SECRET: randomBytes(32).toString('base64url'),
    });
  } catch (err) {
    report.baselines['oidc-provider']!.error = errorText(err);
  }
  const oidcTarget = oidc ? tokenTarget(oidc.info.tokenUrl!, oidc.info.clientId!, oidc.info.clientSecret!) : undefined;
  if (oidc && oidcTarget) {
    try {
      const v = await verifyTokenEndpoint('oidc-provider', oidcTarget);
      Object.assign(report.baselines['oidc-provider']!, { ran: true, tokenAlg: v.alg, tokenTyp: v.typ });
    } catch (err) {
      report.baselines['oidc-provider']!.error = errorText(err);
    }
  }
  const signetTokenTarget = signet ? tokenTarget(`${signet.url}/t/system/oauth/token`, signet.clientId, signet.clientSecret) : undefined;
  if (signet && signetTokenTarget) {
    try {
      const v = await verifyTokenEndpoint('Signet', signetTokenTarget);
      Object.assign(report.signet, { ran: true, tokenAlg: v.alg, tokenTyp: v.typ });
    } catch (err) {
      report.signet.error = errorText(err);
    }
  }
  for (const c of CONNECTIONS) {
    const notes: string[] = [];
    const [s, b] = await measurePair(
      { name: 'Signet token', target: report.signet.ran ? signetTokenTarget : undefined, alive: signetAlive },
      { name: 'oidc-provider token', target: report.baselines['oidc-provider']!.ran ? oidcTarget : undefined, alive: () => oidc !== undefined && isRunning(oidc.child) },
      c, notes);
    report.token.push(compare({
      scenario: 'client_credentials token', connections: c, signetLabel: 'Signet', baselineLabel: 'oidc-provider 9',
      signet: s, baseline: b, target: TOKEN_TARGET, note: notes.join('; ') || undefined,
    }));
  }
  if (oidc) {
    report.memory.baselines['oidc-provider'] = memoryStats(oidc.pid);
    await stopChild(oidc.child);
  }

  // --- 2. GraphQL --------------------------------------------------------------------------------
  let apollo: ForkedServer | undefined;
  try {
    apollo = await forkServer('apollo-hello', 'apollo-hello-server.js', { NODE_ENV: 'production' });
  } catch (err) {
    report.baselines['apollo-hello']!.error = errorText(err);
  }
  let apolloTarget: LoadTarget | undefined;
  if (apollo) {
    try {
      apolloTarget = graphqlTarget(apollo.url, '{ hello }');
      apolloTarget.expectBody = await verifyGraphql('apollo-hello', apolloTarget);
      report.baselines['apollo-hello']!.ran = true;
    } catch (err) {
      report.baselines['apollo-hello']!.error = errorText(err);
      apolloTarget = undefined;
    }
  }
  let signetGqlTarget: LoadTarget | undefined;
  let signetGqlError: string | undefined;
  if (report.signet.ran && signet && signetTokenTarget && signetAlive()) {
    try {
      const { accessToken } = await verifyTokenEndpoint('Signet', signetTokenTarget);
      signetGqlTarget = graphqlTarget(`${signet.url}/graphql`, '{ viewer { scopes } }', accessToken);
      signetGqlTarget.expectBody = await verifyGraphql('Signet', signetGqlTarget);
    } catch (err) {
      signetGqlError = `GraphQL: ${errorText(err)}`;
      signetGqlTarget = undefined;
    }
  }
  for (const c of CONNECTIONS) {
    const notes: string[] = signetGqlError && c === CONNECTIONS[0] ? [signetGqlError] : [];
    const [s, b] = await measurePair(
      { name: 'Signet GraphQL', target: signetGqlTarget, alive: signetAlive },
      { name: 'apollo-hello GraphQL', target: apolloTarget, alive: () => apollo !== undefined && isRunning(apollo.child) },
      c, notes);
    report.graphql.push(compare({
      scenario: 'GraphQL', connections: c, signetLabel: 'Signet { viewer { scopes } }', baselineLabel: 'Apollo 5 { hello }',
      signet: s, baseline: b, target: GRAPHQL_TARGET, note: notes.join('; ') || undefined,
    }));
  }
  if (apollo) {
    report.memory.baselines['apollo-hello'] = memoryStats(apollo.pid);
    await stopChild(apollo.child);
  }

  // --- 2b. Authorization-code + PKCE flows/s and rotating refresh grants/s (bench/auth-code-flow.ts) ---
  if (process.env.BENCH_AUTHCODE !== '0') {
    if (signet && signetAlive()) report.memory.signetBeforeAuthCode = memoryStats(signet.pid);
    const baselineDatabaseUrl = services ? await oidcProviderDatabase(services).catch((err: unknown) => { log(`oidc-provider database: ${errorText(err)}`); return undefined; }) : undefined;
    const ac = await runAuthCodeScenarios(report.signet.ran ? signet : undefined, signetAlive, { concurrency: CONNECTIONS, warmupS: WARMUP, durationS: DURATION, baselineDatabaseUrl });
    Object.assign(report, { authCodeFlow: ac.flows, refreshToken: ac.refresh, authCode: { verification: ac.verification, errors: ac.errors } });
    report.baselines['oidc-provider code flow'] = { ran: ac.verification['oidc-provider'] !== undefined };
    report.memory.baselines['oidc-provider code flow'] = ac.oidcProviderMemory;
  }

  // --- 3. Peak RSS of signet serve ---------------------------------------------------------------
  if (signet && signetAlive()) {
    const m = memoryStats(signet.pid);
    report.memory.signet = m;
    if (m && report.signet.ran) report.memory.signetPass = mib(m.peakRss) < RSS_TARGET_MIB;
  }

  // --- 3b. Password logins/s through the flow API next to argon2id's own rate (bench/password-login.ts);
  // after the RSS reading (each concurrent argon2id hash takes 19 MiB in serve's thread pool), its own peak is reported.
  let passwordLogin: PasswordLoginReport | undefined;
  if (process.env.BENCH_PASSWORD !== '0' && signet && report.signet.ran && signetAlive()) {
    passwordLogin = await runPasswordLoginScenario(signet, signetAlive, { concurrency: CONNECTIONS, warmupS: WARMUP, durationS: DURATION });
    const { rows, ...details } = passwordLogin;
    Object.assign(report, { passwordLogin: rows, passwordLoginDetails: details });
  }

  // --- 4. Events: mutation → subscriber latency, webhook deliveries/s (after the RSS reading) ---
  let events: EventsReport | undefined;
  if (process.env.BENCH_EVENTS !== '0' && services && signet && report.signet.ran && signetAlive()) {
    events = await runEventsScenario(services, signet, {
      latencySamples: Math.round(numberEnv('BENCH_EVENT_SAMPLES', 300, 10)),
      webhookEvents: Math.round(numberEnv('BENCH_WEBHOOK_EVENTS', 5000, 100)),
      webhookEndpoints: Math.round(numberEnv('BENCH_WEBHOOK_ENDPOINTS', 1, 1)),
    });
  }

  // --- 5. Users page (issue 4): nested list latency and SQL statement count ---
  let usersPage: UsersPageReport | undefined;
  if (process.env.BENCH_USERS !== '0' && services && signet && report.signet.ran && signetAlive()) {
    usersPage = await runUsersPageScenario(services, signet, { durationS: DURATION, log });
  }

  report.meta.loadAverage.end = os.loadavg()[0]!;
  await cleanup();
  writeJson({ ...report, ...(events ? { events } : {}), ...(usersPage ? { usersPage } : {}) }, RESULTS_FILE);
  process.stdout.write(`\n${formatTable(report)}\n${events ? `\n${formatEvents(events)}\n` : ''}${passwordLogin ? `\n${formatPasswordLogin(passwordLogin)}\n` : ''}${usersPage ? `\n${formatUsersPage(usersPage)}\n` : ''}\nResults written to ${path.relative(process.cwd(), RESULTS_FILE)}\n`);

  const ranAll = report.signet.ran && Object.values(report.baselines).every((b) => b.ran);
  if (!ranAll) return 1;
  const allPass = [...report.token, ...report.graphql, ...(report.authCodeFlow ?? []), ...(report.refreshToken ?? []), ...(report.passwordLogin ?? [])].every((c) => c.pass) && report.memory.signetPass === true;
  return process.env.BENCH_STRICT === '1' && !allPass ? 2 : 0;
}

main().then(
  (code) => { process.exitCode = code; },
  async (err: unknown) => {
    console.error(err);
    await cleanup();
    process.exitCode = 1;
  },
);
