import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import pg from 'pg';
import { freePort } from '../../../src/config/embedded/process-utils.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

describe('health, readiness and metrics', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer(); });
  afterAll(async () => { await s.stop(); });

  it('/healthz answers 200 while the process is alive', async () => {
    const r = await fetch(`${s.url}/healthz`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ status: 'ok' });
  });

  it('/readyz answers 200 when PostgreSQL, the migrations and Redis are ready', async () => {
    const r = await fetch(`${s.url}/readyz`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ status: 'ready', checks: { postgres: 'ok', migrations: 'ok', redis: 'ok' } });
  });

  it('/metrics exposes request counts and latencies per route in Prometheus text format', async () => {
    await fetch(`${s.url}/t/system/.well-known/openid-configuration`);
    await fetch(`${s.url}/t/system/.well-known/openid-configuration`);
    const r = await fetch(`${s.url}/metrics`);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await r.text();
    const line = text.split('\n').find((l) => l.startsWith('signet_http_requests_total{') && l.includes('route="/t/:slug/.well-known/openid-configuration"') && l.includes('status="200"'));
    expect(line).toBeDefined();
    expect(Number(line!.split(' ').pop())).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/signet_http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/t\/:slug\/\.well-known\/openid-configuration"\}/);
    expect(text).toContain('signet_process_resident_memory_bytes');
  });

  it('/readyz answers 503 with a JSON reason when Redis is unreachable', async () => {
    const dead = await freePort();
    const broken = await startTestServer({ env: { REDIS_URL: `redis://127.0.0.1:${dead}` } });
    try {
      const r = await fetch(`${broken.url}/readyz`);
      expect(r.status).toBe(503);
      const body = (await r.json()) as { status: string; checks: Record<string, string> };
      expect(body.status).toBe('unavailable');
      expect(body.checks.postgres).toBe('ok');
      expect(body.checks.redis).toMatch(/^unreachable: /);
      // Requests that do not need Redis keep working.
      expect((await fetch(`${broken.url}/t/system/.well-known/jwks.json`)).status).toBe(200);
      const token = await broken.token();
      expect(token.split('.')).toHaveLength(3);
    } finally {
      await broken.stop();
    }
  });
});

describe('secrets at rest', () => {
  it('stores client secrets only hashed and private signing keys only sealed', async () => {
    const c = new pg.Client({ connectionString: inject('databaseUrl') });
    await c.connect();
    try {
      const secrets = await c.query<{ secret_hash: string }>('select secret_hash from client_secret');
      expect(secrets.rowCount).toBeGreaterThan(0);
      for (const r of secrets.rows) expect(r.secret_hash).toMatch(/^(sha256|scrypt)\$/);
      const root = inject('rootClientSecret');
      expect(secrets.rows.some((r) => r.secret_hash.includes(root))).toBe(false);
      const keys = await c.query<{ private_key_sealed: string; public_jwk: Record<string, unknown> }>('select private_key_sealed, public_jwk from signing_key');
      expect(keys.rowCount).toBeGreaterThan(0);
      for (const k of keys.rows) {
        expect(k.private_key_sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
        expect(k.private_key_sealed).not.toContain('PRIVATE KEY');
        expect(k.public_jwk).not.toHaveProperty('d');
      }
    } finally {
      await c.end();
    }
  });
});
