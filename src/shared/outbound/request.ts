import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { classifyAddress } from './address.js';
import { addressAllowed, checkUrl, OutboundRefused, type OutboundPolicy, type OutboundSettings } from './policy.js';

/**
 * The one way Signet makes an outbound HTTP call (webhooks now, JWKS and discovery later).
 * Rules enforced, in order:
 * 1. the static URL checks of `checkUrl` (scheme, port, credentials, host/path patterns, literals);
 * 2. DNS is resolved once, every returned address must be allowed (a name that resolves to any
 *    private/loopback/metadata address is refused), and the socket connects to the checked address
 *    through the `lookup` option: no second resolution, so no DNS rebinding between check and use;
 * 3. redirects are never followed (a 3xx is returned as is);
 * 4. the response body is read up to `maxResponseBytes` (then the socket is dropped), and the
 *    whole exchange is bounded by `requestTimeoutSeconds` (or the caller's shorter timeout).
 */
export interface OutboundRequest {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string | Buffer;
  policy: OutboundPolicy;
  settings: OutboundSettings;
  /** Overrides the policy's timeout when shorter. */
  timeoutMs?: number;
}

export interface OutboundResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The first `maxResponseBytes` of the body. */
  body: Buffer;
  truncated: boolean;
  /** The address actually connected to. */
  address: string;
  latencyMs: number;
}

export class OutboundFailed extends Error {
  constructor(readonly reason: 'timeout' | 'network', message: string) {
    super(message);
    this.name = 'OutboundFailed';
  }
}

const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64, timeout: 30_000 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64, timeout: 30_000 }),
};

/** Resolves `host` and returns the first allowed address, or refuses. IP literals pass through (already checked). */
export async function resolvePinned(host: string, policy: OutboundPolicy, settings: OutboundSettings): Promise<{ address: string; family: 4 | 6 }> {
  const literal = classifyAddress(host);
  if (literal !== undefined) return { address: host, family: host.includes(':') ? 6 : 4 };
  let addrs: dns.LookupAddress[];
  try {
    addrs = await dns.promises.lookup(host, { all: true, verbatim: true });
  } catch {
    throw new OutboundRefused('dns', `host "${host}" does not resolve`);
  }
  if (!addrs.length) throw new OutboundRefused('dns', `host "${host}" does not resolve`);
  for (const a of addrs) {
    const cls = classifyAddress(a.address) ?? 'reserved';
    if (!addressAllowed(cls, policy, settings)) throw new OutboundRefused('address', `host "${host}" resolves to a ${cls} address and may not be called`);
  }
  const first = addrs[0]!;
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}

/** Checks the URL and its resolved addresses without calling it (creation-time validation). */
export async function checkOutboundUrl(raw: string, policy: OutboundPolicy, settings: OutboundSettings): Promise<void> {
  const checked = checkUrl(raw, policy, settings);
  try {
    await resolvePinned(checked.host, policy, settings);
  } catch (err) {
    if (err instanceof OutboundRefused && err.reason === 'dns' && !policy.requireDnsResolve) return;
    throw err;
  }
}

export async function outboundRequest(req: OutboundRequest): Promise<OutboundResponse> {
  const checked = checkUrl(req.url, req.policy, req.settings);
  const pinned = await resolvePinned(checked.host, req.policy, req.settings);
  const lookup: LookupFunction = (_hostname, options, cb) => {
    if ((options as dns.LookupAllOptions).all) (cb as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, [{ address: pinned.address, family: pinned.family }]);
    else cb(null, pinned.address, pinned.family);
  };
  const timeoutMs = Math.min(req.policy.requestTimeoutSeconds * 1000, req.timeoutMs ?? Infinity);
  const max = req.policy.maxResponseBytes;
  const isHttps = checked.url.protocol === 'https:';
  const started = performance.now();
  return new Promise<OutboundResponse>((resolve, reject) => {
    let settled = false;
    const finish = (f: () => void) => { if (!settled) { settled = true; clearTimeout(timer); f(); } };
    const request = (isHttps ? https : http).request(checked.url, {
      method: req.method ?? 'GET',
      headers: { 'user-agent': 'Signet-Webhooks/1', ...req.headers, ...(req.body !== undefined ? { 'content-length': String(Buffer.byteLength(req.body)) } : {}) },
      agent: isHttps ? agents.https : agents.http,
      lookup,
      servername: isHttps && classifyAddress(checked.host) === undefined ? checked.host : undefined,
    }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      res.on('data', (c: Buffer) => {
        if (truncated) return;
        const room = max - size;
        if (c.length > room) {
          chunks.push(c.subarray(0, room));
          size = max;
          truncated = true;
          res.destroy();
          done();
          return;
        }
        chunks.push(c);
        size += c.length;
      });
      const done = () => finish(() => resolve({
        status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), truncated,
        address: pinned.address, latencyMs: performance.now() - started,
      }));
      res.on('end', done);
      res.on('error', (err) => finish(() => reject(new OutboundFailed('network', err.message))));
    });
    const timer = setTimeout(() => {
      finish(() => reject(new OutboundFailed('timeout', `no complete response within ${timeoutMs} ms`)));
      request.destroy();
    }, timeoutMs);
    request.on('error', (err) => finish(() => reject(new OutboundFailed('network', err.message))));
    if (req.body !== undefined) request.end(req.body);
    else request.end();
  });
}
