import autocannon from 'autocannon';

export interface LoadTarget {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** When set, every response body must equal this (mismatches are counted as failures). */
  expectBody?: string;
}

export interface LoadResult {
  connections: number;
  durationSeconds: number;
  /** Successful (2xx, body as expected) responses per second. */
  rps: number;
  /** Latency of 2xx responses in milliseconds (exact percentiles over every response). */
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  total: number;
  ok: number;
  non2xx: number;
  /** Socket errors + timeouts + body mismatches. */
  errors: number;
  timeouts: number;
  mismatches: number;
  statusCodes: Record<string, number>;
}

/** Growable list of latencies (ms); autocannon's own histogram only keeps whole milliseconds. */
export class Latencies {
  private buf = new Float64Array(1 << 16);
  private n = 0;
  add(ms: number): void {
    if (this.n === this.buf.length) {
      const bigger = new Float64Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.n++] = ms;
  }
  get count(): number {
    return this.n;
  }
  summary(): { p50: number; p99: number; mean: number } {
    if (this.n === 0) return { p50: NaN, p99: NaN, mean: NaN };
    const sorted = this.buf.subarray(0, this.n).sort();
    const at = (q: number) => sorted[Math.min(this.n - 1, Math.ceil(q * this.n) - 1)]!;
    let sum = 0;
    for (const v of sorted) sum += v;
    return { p50: at(0.5), p99: at(0.99), mean: sum / this.n };
  }
}

/** Runs autocannon in this (the parent) process against `target` (2xx latencies also go to `latencies`). */
export async function runLoad(target: LoadTarget, connections: number, durationSeconds: number, latencies = new Latencies()): Promise<LoadResult> {
  const instance = autocannon({
    url: target.url,
    method: target.method,
    headers: target.headers,
    body: target.body,
    connections,
    duration: durationSeconds,
    timeout: 10,
    ...(target.expectBody !== undefined ? { expectBody: target.expectBody } : {}),
  });
  instance.on('response', (_client, status, _bytes, ms) => {
    if (status >= 200 && status < 300) latencies.add(ms);
  });
  const r = await instance;
  const lat = latencies.summary();
  const ok = Math.max(0, r['2xx'] - r.mismatches);
  const statusCodes: Record<string, number> = {};
  for (const [code, s] of Object.entries(r.statusCodeStats ?? {})) statusCodes[code] = s.count;
  return {
    connections,
    durationSeconds: r.duration,
    rps: r.duration > 0 ? ok / r.duration : 0,
    p50Ms: lat.p50,
    p99Ms: lat.p99,
    meanMs: lat.mean,
    total: r.requests.total,
    ok,
    non2xx: r.non2xx,
    errors: r.errors + r.mismatches,
    timeouts: r.timeouts,
    mismatches: r.mismatches,
    statusCodes,
  };
}

/**
 * Two servers measured side by side in time: `rounds` alternating runs of `durationSeconds /
 * rounds` each (A, B, A, B, …), so that a drift in the machine's speed (a shared 2-core VM varies
 * by ±20 % from one minute to the next) falls on both alike. Each server's rounds are summed:
 * req/s over its total time, percentiles over all its responses.
 */
export async function runLoadInterleaved(targets: readonly [LoadTarget, LoadTarget], connections: number, durationSeconds: number, rounds: number): Promise<[LoadResult, LoadResult]> {
  const lat = [new Latencies(), new Latencies()] as const;
  const runs: [LoadResult[], LoadResult[]] = [[], []];
  const slice = durationSeconds / rounds;
  for (let i = 0; i < rounds; i++) {
    for (const k of [0, 1] as const) runs[k].push(await runLoad(targets[k], connections, slice, lat[k]));
  }
  return [combine(runs[0], lat[0]), combine(runs[1], lat[1])];
}

function combine(runs: LoadResult[], latencies: Latencies): LoadResult {
  const sum = (f: (r: LoadResult) => number) => runs.reduce((a, r) => a + f(r), 0);
  const statusCodes: Record<string, number> = {};
  for (const r of runs) for (const [code, n] of Object.entries(r.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n;
  const durationSeconds = sum((r) => r.durationSeconds);
  const ok = sum((r) => r.ok);
  const lat = latencies.summary();
  return {
    connections: runs[0]!.connections, durationSeconds, rps: durationSeconds > 0 ? ok / durationSeconds : 0, p50Ms: lat.p50, p99Ms: lat.p99, meanMs: lat.mean,
    total: sum((r) => r.total), ok, non2xx: sum((r) => r.non2xx), errors: sum((r) => r.errors), timeouts: sum((r) => r.timeouts), mismatches: sum((r) => r.mismatches), statusCodes,
  };
}

/** A short untimed run to warm JITs, pools and caches before measuring. */
export async function warmUp(target: LoadTarget, connections: number, seconds: number): Promise<void> {
  if (seconds <= 0) return;
  await autocannon({
    url: target.url, method: target.method, headers: target.headers, body: target.body,
    connections, duration: seconds, timeout: 10,
  });
}

export function isJwt(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(value);
}

function decodeSegment(seg: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(seg, 'base64url').toString('utf8')) as Record<string, unknown>;
}

export function jwtHeader(jwt: string): Record<string, unknown> {
  return decodeSegment(jwt.split('.')[0]!);
}

export function basicAuth(id: string, secret: string): string {
  // RFC 6749 §2.3.1: form-urlencode id and secret before base64.
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`).toString('base64')}`;
}

export function tokenTarget(tokenUrl: string, clientId: string, clientSecret: string): LoadTarget {
  return {
    url: tokenUrl,
    method: 'POST',
    headers: {
      authorization: basicAuth(clientId, clientSecret),
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: 'grant_type=client_credentials',
  };
}

export function graphqlTarget(url: string, query: string, bearer?: string): LoadTarget {
  return {
    url,
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
    },
    body: JSON.stringify({ query }),
  };
}

/** One request with fetch; returns status and parsed body (or raw text). */
export async function probe(target: LoadTarget): Promise<{ status: number; text: string; json: unknown; contentType: string }> {
  const res = await fetch(target.url, { method: target.method, headers: target.headers, body: target.body });
  const text = await res.text();
  let json: unknown;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, text, json, contentType: res.headers.get('content-type') ?? '' };
}

/**
 * Requests a token once and checks it is an ES256 JWT (three dot-separated parts).
 * Returns the access token.
 */
export async function verifyTokenEndpoint(name: string, target: LoadTarget): Promise<{ accessToken: string; alg: unknown; typ: unknown }> {
  const r = await probe(target);
  const body = r.json as { access_token?: unknown; token_type?: unknown } | undefined;
  if (r.status !== 200 || !body) {
    throw new Error(`${name}: token endpoint answered ${r.status}: ${r.text.slice(0, 300)}`);
  }
  if (!isJwt(body.access_token)) {
    throw new Error(`${name}: access_token is not a JWT: ${JSON.stringify(body.access_token)?.slice(0, 100)}`);
  }
  const header = jwtHeader(body.access_token);
  if (header.alg !== 'ES256') throw new Error(`${name}: access token alg is ${String(header.alg)}, expected ES256`);
  return { accessToken: body.access_token, alg: header.alg, typ: header.typ };
}

/** Runs one GraphQL request and checks it answers 200 with data and no errors; returns the body text. */
export async function verifyGraphql(name: string, target: LoadTarget): Promise<string> {
  const r = await probe(target);
  const body = r.json as { data?: unknown; errors?: unknown } | undefined;
  if (r.status !== 200 || !body || body.errors || !body.data) {
    throw new Error(`${name}: GraphQL answered ${r.status}: ${r.text.slice(0, 300)}`);
  }
  return r.text;
}
