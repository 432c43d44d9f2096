/**
 * Password logins per second (issue 6), next to the password hash's own rate measured in the same
 * run (see bench/README.md):
 *
 * - Signet: full headless logins through the flow API, each with its own cookie jar (so its own
 *   device cookie) and its flow token in the Signet-Flow header: POST /authentication/start →
 *   POST /authentication/authenticate {method: password} → POST /authentication/complete (an SSO
 *   session). A login counts only when complete answers 200 with a session. One tenant, one user.
 * - The hash: argon2id with Signet's parameters (src/crypto/password.ts ARGON2_PARAMS), in this
 *   (the parent) process while the server is idle: sequential hashPassword and verifyPassword in
 *   one thread (per core), then N = os.availableParallelism() concurrent verifyPassword loops
 *   (the machine's rate). A login costs one verification, so the parallel verification rate is
 *   the ceiling; the target is 80 % of it.
 *
 * Throttling: the tenant keeps its default lockout threshold. Attempts in flight on one account
 * are bounded by the threshold (more at once answer "busy"), so each worker signs in as its own
 * user (as many users as the highest concurrency), like real traffic; the per-IP limit
 * (IP_LIMIT = 100 in-flight or failed attempts per address and window) is not reached by
 * successes. A 429 would show up as a failure in the row's note.
 */
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { ARGON2_PARAMS, hashPassword, verifyPassword } from '../src/crypto/password.js';
import { IP_LIMIT } from '../src/modules/authn/throttle.js';
import { agent, FlowError, gql, Jar, postForm, request, runWorkers, snippet } from './auth-code-flow.js';
import autocannon from 'autocannon';
import { basicAuth, Latencies, type LoadResult } from './load.js';
import { log, memoryStats, type MemoryStats } from './proc.js';
import { compare, type Comparison } from './report.js';
import type { SignetServer } from './signet-server.js';

export const PASSWORD_LOGIN_TARGET = 0.8;
/** The tenant default (not raised for the bench). */
const LOCKOUT_THRESHOLD = 5;

export interface PasswordHashRates {
  algorithm: 'argon2id';
  /** ARGON2_PARAMS: memory in KiB, passes, parallelism, tag length. */
  params: { memoryKiB: number; passes: number; parallelism: number; tagLength: number };
  /** hashPassword per second, one at a time (one thread). */
  sequentialHashPerSecond: number;
  /** verifyPassword per second, one at a time (one thread): the per-core rate. */
  sequentialVerifyPerSecond: number;
  /** verifyPassword per second with `parallel` concurrent loops (libuv pool of `threadPool` threads). */
  parallelVerifyPerSecond: number;
  parallel: number;
  threadPool: number;
}

export interface PasswordLoginReport {
  hash?: PasswordHashRates;
  /** One-request logins (POST /authentication/login) against the target. */
  rows: Comparison[];
  /** For reference: the step-by-step flow (start → authenticate → complete, 3 round trips). */
  stepByStep: Comparison[];
  /** One login checked in full before measuring. */
  verification?: { roundTrips: number; amr: unknown; acr: unknown; session: boolean };
  lockoutThreshold: number;
  ipLimit: number;
  /** serve's peak RSS after the password logins (argon2id takes 19 MiB per concurrent hash). */
  signetMemoryAfter?: MemoryStats;
  errors: string[];
}

// --- the hash's own rate ------------------------------------------------------------------------------

class Samples {
  readonly xs: number[] = [];
  summary() {
    const s = Float64Array.from(this.xs).sort();
    const at = (q: number) => (s.length ? s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]! : NaN);
    return { p50: at(0.5), p99: at(0.99), mean: s.length ? s.reduce((a, b) => a + b, 0) / s.length : NaN };
  }
}

/** `loops` concurrent loops of `op` for `seconds`; ops per second and per-op latency. */
async function rate(loops: number, seconds: number, op: () => Promise<unknown>): Promise<LoadResult> {
  const lat = new Samples();
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  await Promise.all(Array.from({ length: loops }, async () => {
    while (performance.now() < end) {
      const start = performance.now();
      await op();
      lat.xs.push(performance.now() - start);
    }
  }));
  const elapsed = (performance.now() - t0) / 1000;
  const s = lat.summary();
  return {
    connections: loops, durationSeconds: elapsed, rps: lat.xs.length / elapsed, p50Ms: s.p50, p99Ms: s.p99, meanMs: s.mean,
    total: lat.xs.length, ok: lat.xs.length, non2xx: 0, errors: 0, timeouts: 0, mismatches: 0, statusCodes: {},
  };
}

/** argon2id's own rates with Signet's parameters: sequential hash and verify, then N parallel verifications. */
export async function measureHashRates(seconds: number): Promise<{ rates: PasswordHashRates; parallel: LoadResult }> {
  const password = randomBytes(18).toString('base64url');
  const phc = await hashPassword(password);
  for (let i = 0; i < 3; i++) if (!(await verifyPassword(password, phc))) throw new Error('verifyPassword refused the right password');
  const seqHash = await rate(1, seconds / 2, () => hashPassword(password));
  const seqVerify = await rate(1, seconds / 2, () => verifyPassword(password, phc));
  const n = os.availableParallelism();
  const parallel = await rate(n, seconds, () => verifyPassword(password, phc));
  return {
    rates: {
      algorithm: 'argon2id',
      params: { memoryKiB: ARGON2_PARAMS.memory, passes: ARGON2_PARAMS.passes, parallelism: ARGON2_PARAMS.parallelism, tagLength: ARGON2_PARAMS.tagLength },
      sequentialHashPerSecond: seqHash.rps, sequentialVerifyPerSecond: seqVerify.rps, parallelVerifyPerSecond: parallel.rps,
      parallel: n, threadPool: Number(process.env.UV_THREADPOOL_SIZE) || 4,
    },
    parallel,
  };
}

// --- the login --------------------------------------------------------------------------------------------

export interface PasswordTarget {
  issuer: string;
  /** Each with its browser's long-lived device cookie (kept across its logins, like a real browser). */
  users: { email: string; password: string; device?: string }[];
}

const deviceCookie = (who: PasswordTarget['users'][number]): Record<string, string> => (who.device ? { cookie: `signet_device=${who.device}` } : {});
const keepDevice = (who: PasswordTarget['users'][number], res: { headers: Record<string, string | string[] | undefined> }) => {
  const set = res.headers['set-cookie'];
  for (const c of Array.isArray(set) ? set : set ? [set] : []) {
    const m = /^signet_device=([^;]+)/.exec(c);
    if (m) who.device = m[1];
  }
};

/** A fresh tenant with `users` users who have a password. */
export async function setupPasswordTarget(signet: SignetServer, users: number): Promise<PasswordTarget> {
  const root = await postForm(`${signet.url}/t/system/oauth/token`, basicAuth(signet.clientId, signet.clientSecret), { grant_type: 'client_credentials' });
  const slug = `bench-login-${Date.now().toString(36)}`;
  const tenant = await gql<{ managementClient: { clientId: string; plaintextSecret: string } | null }>(signet.url, root.access_token as string,
    'mutation($input: TenantCreateInput!) { tenantCreate(input: $input) { managementClient { clientId plaintextSecret } userErrors { message } } }',
    { input: { slug, name: 'Bench logins' } });
  if (!tenant.managementClient) throw new Error('tenantCreate returned no management client');
  const issuer = `${signet.url}/t/${slug}`;
  const mgmt = await postForm(`${issuer}/oauth/token`, basicAuth(tenant.managementClient.clientId, tenant.managementClient.plaintextSecret), { grant_type: 'client_credentials' });
  const bearer = mgmt.access_token as string;
  const created: PasswordTarget['users'] = [];
  for (let i = 0; i < users; i++) {
    const email = `bench-${i}-${randomBytes(4).toString('hex')}@example.test`;
    const password = randomBytes(18).toString('base64url');
    const user = await gql<{ user: { subject: string } | null }>(signet.url, bearer,
      'mutation($input: UserCreateInput!) { userCreate(input: $input) { user { subject } userErrors { message } } }', { input: { email, password } });
    if (!user.user) throw new Error('userCreate returned no user');
    created.push({ email, password });
  }
  return { issuer, users: created };
}

/** One full password login through the flow API (3 round trips). Throws FlowError. */
export async function runPasswordLogin(t: PasswordTarget, worker = 0): Promise<{ amr: unknown; acr: unknown; sessionId: string }> {
  const who = t.users[worker % t.users.length]!;
  const jar = new Jar();
  if (who.device) jar.absorb({ status: 200, headers: { 'set-cookie': [`signet_device=${who.device}`] }, body: '' });
  const post = async (step: string, body: unknown, flowToken?: string) => {
    const r = await request(`${t.issuer}/authentication/${step}`, 'POST', {
      'content-type': 'application/json', accept: 'application/json', ...jar.header(), ...(flowToken ? { 'signet-flow': flowToken } : {}),
    }, JSON.stringify(body));
    jar.absorb(r);
    return r;
  };
  const started = await post('start', {});
  keepDevice(who, started);
  if (started.status !== 201) throw new FlowError(`start ${started.status}`, `start: ${snippet(started)}`);
  const flowToken = (JSON.parse(started.body) as { flow_token?: unknown }).flow_token;
  if (typeof flowToken !== 'string') throw new FlowError('start body', `start: no flow_token: ${snippet(started)}`);
  const pwd = await post('authenticate', { method: 'password', email: who.email, password: who.password }, flowToken);
  if (pwd.status !== 200) throw new FlowError(`authenticate ${pwd.status}`, `authenticate: ${snippet(pwd)}`);
  const view = JSON.parse(pwd.body) as { state?: unknown; amr?: unknown; acr?: unknown };
  if (view.state !== 'authenticated') throw new FlowError(`state ${String(view.state)}`, `authenticate: ${snippet(pwd)}`);
  const done = await post('complete', {}, flowToken);
  if (done.status !== 200) throw new FlowError(`complete ${done.status}`, `complete: ${snippet(done)}`);
  const session = (JSON.parse(done.body) as { session?: { id?: unknown } }).session;
  if (typeof session?.id !== 'string') throw new FlowError('complete body', `complete: no session: ${snippet(done)}`);
  return { amr: view.amr, acr: view.acr, sessionId: session.id };
}

/** One password login in one request (POST /authentication/login → 200 + session). Throws FlowError. */
export async function runOneShotLogin(t: PasswordTarget, worker = 0): Promise<{ sessionId: string }> {
  const who = t.users[worker % t.users.length]!;
  const r = await request(`${t.issuer}/authentication/login`, 'POST', { 'content-type': 'application/json', accept: 'application/json', ...deviceCookie(who) },
    JSON.stringify({ email: who.email, password: who.password }));
  keepDevice(who, r);
  if (r.status !== 200) throw new FlowError(`login ${r.status}`, `login: ${snippet(r)}`);
  const session = (JSON.parse(r.body) as { session?: { id?: unknown } }).session;
  if (typeof session?.id !== 'string') throw new FlowError('login body', `login: no session: ${snippet(r)}`);
  return { sessionId: session.id };
}

/**
 * One-request logins under load, driven by autocannon (the judged row): each request signs in the
 * next user in turn (as many users as connections) with that user's device cookie, and counts
 * only when it answers 200 with a session. autocannon costs about a third of the CPU per request
 * of the `node:http` loop in `runWorkers` (13 against 42–52 µs per token request measured side by
 * side), and the load generator shares the two cores with the hashes it is compared with.
 */
export async function loadOneShotLogins(t: PasswordTarget, connections: number, warmupS: number, durationS: number): Promise<LoadResult & { failures: Record<string, number>; firstFailure?: string }> {
  const url = `${t.issuer}/authentication/login`;
  const lat = new Latencies();
  const failures: Record<string, number> = {};
  let firstFailure: string | undefined;
  let failed = 0;
  let measuring = false;
  let next = 0;
  const run = (seconds: number) => {
    const instance = autocannon({
      url, connections, duration: seconds, timeout: 10,
      requests: [{
        method: 'POST',
        setupRequest: (req, context) => {
          const who = t.users[next++ % t.users.length]!;
          context.who = who;
          return { ...req, method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', ...deviceCookie(who) }, body: JSON.stringify({ email: who.email, password: who.password }) };
        },
        onResponse: (status, body, context, headers) => {
          keepDevice(context.who as PasswordTarget['users'][number], { headers });
          if (!measuring) return;
          let session = false;
          try {
            session = status === 200 && typeof (JSON.parse(body) as { session?: { id?: unknown } }).session?.id === 'string';
          } catch { /* not JSON: a failure */ }
          if (session) return;
          const kind = status === 200 ? 'login body' : `login ${status}`;
          failures[kind] = (failures[kind] ?? 0) + 1;
          failed++;
          firstFailure ??= `${kind}: ${body.slice(0, 200)}`;
        },
      }],
    });
    instance.on('response', (_client, status, _bytes, ms) => { if (measuring && status === 200) lat.add(ms); });
    return instance;
  };
  // One run for warm-up and measurement: a separate warm-up run would leave its last requests
  // queued in serve when the measured run starts (autocannon abandons them), over the per-IP
  // in-flight limit.
  const warm = setTimeout(() => { measuring = true; }, warmupS * 1000);
  const r = await run(warmupS + durationS);
  clearTimeout(warm);
  measuring = false;
  // The requests autocannon abandoned at the end are still queued for the hash; a login sent now
  // waits behind them (the hash queue is first come, first served), so when it is answered serve
  // is idle again, before the hash rate is measured after the row.
  await runOneShotLogin(t).catch(() => undefined);
  const s = lat.summary();
  const ok = lat.count - (failures['login body'] ?? 0);
  const errors = r.errors + r.timeouts;
  if (errors) failures['socket errors or timeouts'] = errors;
  return {
    connections, durationSeconds: durationS, rps: ok / durationS, p50Ms: s.p50, p99Ms: s.p99, meanMs: s.mean,
    total: ok + failed + errors, ok, non2xx: r.non2xx, errors, timeouts: r.timeouts, mismatches: 0, statusCodes: {}, failures, firstFailure,
  };
}

// --- the scenario ----------------------------------------------------------------------------------------

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));
const PARAMS = `m=${ARGON2_PARAMS.memory} KiB, t=${ARGON2_PARAMS.passes}, p=${ARGON2_PARAMS.parallelism}`;

export async function runPasswordLoginScenario(signet: SignetServer, signetAlive: () => boolean, opts: { concurrency: number[]; warmupS: number; durationS: number }): Promise<PasswordLoginReport> {
  const report: PasswordLoginReport = { rows: [], stepByStep: [], lockoutThreshold: LOCKOUT_THRESHOLD, ipLimit: IP_LIMIT, errors: [] };
  let target: PasswordTarget | undefined;
  try {
    target = await setupPasswordTarget(signet, Math.max(...opts.concurrency));
    const first = await runPasswordLogin(target);
    await runOneShotLogin(target);
    report.verification = { roundTrips: 3, amr: first.amr, acr: first.acr, session: true };
    log(`Signet password login verified: amr ${JSON.stringify(first.amr)}, acr ${String(first.acr)}`);
  } catch (err) {
    report.errors.push(`Signet password login: ${errorText(err)}`);
    target = undefined;
  }
  // The hash's own rate, measured here while the server is idle.
  let parallel: LoadResult | undefined;
  try {
    log(`argon2id (${PARAMS}): sequential hash/verify, then ${os.availableParallelism()} in parallel`);
    const m = await measureHashRates(Math.max(2, Math.min(opts.durationS, 6)));
    report.hash = m.rates;
    parallel = m.parallel;
    log(`argon2id: hash ${m.rates.sequentialHashPerSecond.toFixed(1)}/s, verify ${m.rates.sequentialVerifyPerSecond.toFixed(1)}/s in one thread; ${m.rates.parallelVerifyPerSecond.toFixed(1)}/s with ${m.rates.parallel} in parallel`);
  } catch (err) {
    report.errors.push(`argon2id rate: ${errorText(err)}`);
  }

  const measure = async (c: number, label: string, op: ((w: number) => Promise<unknown>) | 'autocannon', notes: string[]): Promise<LoadResult | undefined> => {
    if (!target || !signetAlive()) {
      if (target) notes.push('Signet is not running');
      return undefined;
    }
    try {
      log(`Signet ${label} @${c}: ${opts.warmupS} s warm-up + ${opts.durationS} s`);
      const r = op === 'autocannon'
        ? await loadOneShotLogins(target, c, opts.warmupS, opts.durationS)
        : await runWorkers(c, opts.warmupS, opts.durationS, async (w) => { await op(w); });
      log(`Signet ${label} @${c}: ${r.rps.toFixed(1)}/s, p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms, failures ${JSON.stringify(r.failures)}`);
      if (Object.keys(r.failures).length) notes.push(`failures ${JSON.stringify(r.failures)}${r.firstFailure ? `, e.g. ${r.firstFailure}` : ''}`);
      return r;
    } catch (err) {
      notes.push(errorText(err));
      return undefined;
    }
  };
  const baselineLabel = report.hash ? `argon2id verify x${report.hash.parallel} in-process (${PARAMS})` : 'argon2id verify';
  // The machine's speed drifts on a shared 2-core VM (±20 % between minutes): each row's hash
  // rate is measured right before and right after its logins and averaged, side by side in time.
  const hashRateAround = async <T>(run: () => Promise<T>): Promise<{ result: T; baseline: LoadResult | undefined }> => {
    if (!parallel) return { result: await run(), baseline: undefined };
    const seconds = Math.max(2, Math.min(opts.durationS / 2, 4));
    const password = randomBytes(18).toString('base64url');
    const phc = await hashPassword(password);
    const n = os.availableParallelism();
    const before = await rate(n, seconds, () => verifyPassword(password, phc));
    const result = await run();
    const after = await rate(n, seconds, () => verifyPassword(password, phc));
    const rps = (before.rps + after.rps) / 2;
    log(`argon2id around this row: ${before.rps.toFixed(1)}/s before, ${after.rps.toFixed(1)}/s after`);
    return { result, baseline: { ...before, rps, total: before.total + after.total, ok: before.ok + after.ok } };
  };
  for (const c of opts.concurrency) {
    const notes: string[] = c === opts.concurrency[0] ? [...report.errors] : [];
    if (c >= IP_LIMIT) notes.push(`concurrency ${c} reaches the per-IP limit (${IP_LIMIT}): 429s expected`);
    const { result: one, baseline } = await hashRateAround(() => measure(c, 'password logins (one request)', 'autocannon', notes));
    report.rows.push(compare({
      scenario: 'password login (flow API)', connections: c, signetLabel: 'Signet POST /authentication/login (1 round trip)',
      baselineLabel, signet: one, baseline: baseline ?? parallel, target: PASSWORD_LOGIN_TARGET, note: notes.join('; ') || undefined,
    }));
    const stepNotes: string[] = [];
    const steps = await measure(c, 'password logins (start → password → complete)', (w) => runPasswordLogin(target!, w), stepNotes);
    report.stepByStep.push(compare({
      scenario: 'password login (step by step)', connections: c, signetLabel: 'Signet start → password → complete (3 round trips)',
      baselineLabel, signet: steps, baseline: baseline ?? parallel, target: PASSWORD_LOGIN_TARGET, note: stepNotes.join('; ') || undefined,
    }));
  }
  // Neither the lockout nor the per-IP limit bit: the user still signs in.
  if (target && signetAlive()) {
    try {
      await runPasswordLogin(target);
    } catch (err) {
      report.errors.push(`a login after the runs failed (lockout or per-IP limit?): ${errorText(err)}`);
    }
    report.signetMemoryAfter = memoryStats(signet.pid);
  }
  agent.destroy();
  return report;
}

export function formatPasswordLogin(r: PasswordLoginReport): string {
  const h = r.hash;
  const lines = ['Password logins (issue 6): POST /authentication/login (one request; autocannon, each request the next user with its device cookie), and for reference start → authenticate(password) → complete (node:http, a cookie jar per login)'];
  if (h) {
    lines.push(`  argon2id ${PARAMS} (ARGON2_PARAMS): hash ${h.sequentialHashPerSecond.toFixed(1)}/s, verify ${h.sequentialVerifyPerSecond.toFixed(1)}/s per core (one thread); `
      + `${h.parallelVerifyPerSecond.toFixed(1)} verifications/s with ${h.parallel} in parallel (libuv pool ${h.threadPool})`);
  }
  const print = (title: string, rows: Comparison[], judged: boolean) => {
    for (const row of rows) {
      const s = row.signet;
      lines.push(`  ${title} @${row.connections}: ${s ? `${s.rps.toFixed(1)} logins/s, p50 ${s.p50Ms.toFixed(1)} ms, p99 ${s.p99Ms.toFixed(1)} ms` : 'n/a'}`
        + `   ${row.ratio === undefined ? '-' : `${(row.ratio * 100).toFixed(0)} %`} of the parallel hash rate`
        + (judged ? `   target >= ${(row.target * 100).toFixed(0)} %  ${row.pass === undefined ? 'n/a' : row.pass ? 'PASS' : 'FAIL'}` : '   (reference)'));
    }
  };
  print('one request', r.rows, true);
  print('3 round trips', r.stepByStep, false);
  lines.push(`  lockoutThreshold ${r.lockoutThreshold} (tenant default), per-IP limit ${r.ipLimit}`);
  if (r.signetMemoryAfter) lines.push(`  serve peak RSS after the logins: ${(r.signetMemoryAfter.peakRss / (1024 * 1024)).toFixed(1)} MiB`);
  for (const e of r.errors) lines.push(`  problem: ${e}`);
  return lines.join('\n');
}
