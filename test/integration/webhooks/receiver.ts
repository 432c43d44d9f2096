import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

export type Responder = (r: Received, n: number) => { status: number; headers?: Record<string, string>; body?: string; delayMs?: number } | 'hang';

/** A webhook receiver on 127.0.0.1: records every request; `respond` decides the answer per path. */
export async function startReceiver() {
  const received: Received[] = [];
  const responders = new Map<string, Responder>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      const r: Received = { path: req.url ?? '/', headers: req.headers, body, at: Date.now() };
      received.push(r);
      const n = received.filter((x) => x.path === r.path).length;
      const fallback: Responder = () => ({ status: 200, body: 'ok' });
      const answer = (responders.get(r.path) ?? fallback)(r, n);
      if (answer === 'hang') return;
      const send = () => { res.writeHead(answer.status, answer.headers); res.end(answer.body ?? ''); };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    received,
    on(path: string, r: Responder) { responders.set(path, r); },
    at(path: string) { return received.filter((x) => x.path === path); },
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

export async function until<T>(f: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
