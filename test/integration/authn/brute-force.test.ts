import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlowClient, updateSettings } from '../../helpers/authn.js';
import { auditEvents } from '../../helpers/oauth-assertions.js';
import { createTenant, createUser, type TestTenant } from '../../helpers/oauth-flow.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

/**
 * Brute-force protection of the password step (src/modules/authn/throttle.ts): an attempt is
 * reserved in Redis before the hash is evaluated, so parallel guesses cannot outrun the lockout;
 * unknown accounts are throttled exactly like known ones; a source address is limited across
 * accounts. The hashes really evaluated are read from serve's /metrics
 * (signet_password_verifications_total).
 */
describe('password brute force: lockout, enumeration, per-IP limit', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer(); });
  afterAll(async () => s?.stop());

  const INVALID = { error: 'invalid_credentials', error_description: 'Incorrect email or password.' };
  const LOCKED = { error: 'too_many_attempts', error_description: 'too many sign-in attempts; wait a few minutes and try again' };

  async function verifications(): Promise<number> {
    const res = await fetch(`${s.url}/metrics`);
    expect(res.status).toBe(200);
    const m = /^signet_password_verifications_total (\d+)$/m.exec(await res.text());
    expect(m, 'signet_password_verifications_total is exposed').not.toBeNull();
    return Number(m![1]);
  }

  /** A started flow (its own cookie jar and flow token). */
  async function flow(t: TestTenant): Promise<FlowClient> {
    const f = new FlowClient(s, t);
    expect((await f.start()).status).toBe(201);
    return f;
  }

  const password = (f: FlowClient, email: string, pwd: string) => f.authenticate({ method: 'password', email, password: pwd });

  describe('one account under 50 parallel wrong passwords (lockoutThreshold 5)', () => {
    let t: TestTenant;
    let victimId: string;
    const victim = { email: 'victim@example.com', password: 'the-real-password-42' };
    const bystander = { email: 'bystander@example.com', password: 'another-good-password' };

    beforeAll(async () => {
      t = await createTenant(s);
      victimId = await createUser(s, t, victim);
      await createUser(s, t, bystander);
    });

    it('evaluates at most lockoutThreshold hashes; every answer is 401 or 429, never a 5xx', async () => {
      const flows = await Promise.all(Array.from({ length: 50 }, () => flow(t)));
      const before = await verifications();
      const answers = await Promise.all(flows.map((f, i) => password(f, victim.email, `wrong-guess-${i}`)));
      const after = await verifications();

      expect(after - before).toBe(5);
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((x) => x >= 500)).toEqual([]);
      expect(statuses.filter((x) => x === 401)).toHaveLength(5);
      expect(statuses.filter((x) => x === 429)).toHaveLength(45);
      for (const a of answers) {
        expect(a.body).toEqual(a.status === 401 ? INVALID : LOCKED);
        if (a.status === 429) {
          const retryAfter = Number(a.headers.get('retry-after'));
          expect(retryAfter).toBeGreaterThan(0);
          expect(retryAfter).toBeLessThanOrEqual(60);
        }
      }
    });

    it('refuses the correct password while locked (429 + Retry-After ≤ 60 s); the flow itself stays usable', async () => {
      const f = await flow(t);
      const before = await verifications();
      const r = await password(f, victim.email, victim.password);
      expect(r.status).toBe(429);
      expect(r.body).toEqual(LOCKED);
      const retryAfter = Number(r.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      // No hash is spent on a locked account, and nothing was proven.
      expect(await verifications()).toBe(before);
      expect((await f.status()).body).toMatchObject({ state: 'identify', user: null, amr: [] });
      // Case and surrounding spaces do not escape the lock (the identifier is normalised).
      expect((await password(f, `  ${victim.email.toUpperCase()} `, victim.password)).status).toBe(429);
    });

    it('records Account.Locked once, and Login.Failed for each evaluated wrong password only', async () => {
      const locked = await auditEvents(s, t.token, ['Account.Locked']);
      expect(locked).toHaveLength(1);
      expect(locked[0]!.payload).toMatchObject({ userId: victimId, identifier: victim.email, lockedForSeconds: 60, ip: '127.0.0.1' });
      expect(locked[0]!.actor.kind).toBe('SYSTEM');

      const failed = await auditEvents(s, t.token, ['Login.Failed']);
      expect(failed).toHaveLength(5);
      for (const e of failed) expect(e.payload).toMatchObject({ userId: victimId, identifier: victim.email, reason: 'invalid_credentials', method: 'password', ip: '127.0.0.1' });
    });

    it('leaves other accounts of the tenant alone', async () => {
      const f = await flow(t);
      const r = await password(f, bystander.email, bystander.password);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ state: 'authenticated', amr: ['pwd'] });
      expect((await f.complete()).status).toBe(200);
    });
  });

  it('never locks an account for correct passwords, however many sign-ins run at once (only failures count)', async () => {
    const t = await createTenant(s);
    await createUser(s, t, { email: 'service@example.com', password: 'shared-by-a-busy-team-1' });
    for (let round = 0; round < 3; round++) {
      const flows = await Promise.all(Array.from({ length: 12 }, () => flow(t)));
      const answers = await Promise.all(flows.map((f) => password(f, 'service@example.com', 'shared-by-a-busy-team-1')));
      // More at once than the threshold: some wait ("busy", retry in a second), none fails, nothing locks.
      expect(answers.every((a) => a.status === 200 || (a.status === 429 && a.headers.get('retry-after') === '1'))).toBe(true);
      expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(1);
    }
    const after = await flow(t);
    expect((await password(after, 'service@example.com', 'shared-by-a-busy-team-1')).status).toBe(200);
    const events = await s.gql(`query { auditEvents(first: 50, filter: { types: ["Account.Locked"] }) { nodes { type } } }`, {}, { token: t.token });
    expect((events.data as { auditEvents: { nodes: unknown[] } }).auditEvents.nodes).toEqual([]);
  });

  describe('account enumeration', () => {
    let t: TestTenant;
    const known = { email: 'known@example.com', password: 'known-users-password' };
    const unknown = 'nobody-here@example.com';

    beforeAll(async () => {
      t = await createTenant(s);
      await createUser(s, t, known);
      await updateSettings(s, t, { lockoutThreshold: 20 });
    });

    it('answers a known email with a wrong password and an unknown email alike: status, body, and cost (exactly one argon2 evaluation each)', async () => {
      const f = await flow(t);
      // Warm up both paths (the dummy hash is computed once per process).
      await password(f, 'warm-up@example.com', 'x');
      const bodies = new Set<string>();
      // Equal timing follows from equal work: each attempt, known or unknown, evaluates exactly one
      // hash (read from /metrics per attempt). Timings themselves belong in the bench, not in tests.
      for (let i = 0; i < 10; i++) {
        for (const email of [known.email, unknown]) {
          const before = await verifications();
          const r = await password(f, email, `wrong-${i}`);
          expect(await verifications() - before, email).toBe(1);
          expect(r.status).toBe(401);
          expect(r.headers.get('retry-after')).toBeNull();
          bodies.add(JSON.stringify(r.body));
        }
      }
      expect([...bodies]).toEqual([JSON.stringify(INVALID)]);
    });

    it('locks an unknown email after the same number of attempts, with the same answer and event', async () => {
      const f = await flow(t);
      // Both identifiers have 10 failures; 10 more are still evaluated, the 21st is refused.
      for (let i = 0; i < 10; i++) {
        for (const email of [known.email, unknown]) expect((await password(f, email, `again-${i}`)).status).toBe(401);
      }
      const k = await password(f, known.email, 'one-too-many');
      const u = await password(f, unknown, 'one-too-many');
      expect([k.status, u.status]).toEqual([429, 429]);
      expect(u.body).toEqual(k.body);
      expect(u.headers.get('retry-after')).toBe(k.headers.get('retry-after'));
      expect(Number(k.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      // And the known account's correct password is refused the same way.
      expect((await password(f, known.email, known.password)).body).toEqual(LOCKED);

      const locked = await auditEvents(s, t.token, ['Account.Locked']);
      expect(locked.map((e) => e.payload.identifier).sort()).toEqual([known.email, unknown].sort());
      expect(locked.find((e) => e.payload.identifier === unknown)!.payload.userId).toBeUndefined();
      const failed = await auditEvents(s, t.token, ['Login.Failed']);
      const unknownFailures = failed.filter((e) => e.payload.identifier === unknown);
      expect(unknownFailures).toHaveLength(20);
      for (const e of unknownFailures) {
        expect(e.payload).toMatchObject({ reason: 'invalid_credentials', method: 'password' });
        expect(e.payload.userId).toBeUndefined();
      }
    });
  });

  it('limits one source address across accounts: after 100 attempts from 127.0.0.1 even a correct password waits (IP_LIMIT, no hash spent)', async () => {
    const t = await createTenant(s);
    const user = { email: 'real@example.com', password: 'a-perfectly-good-password' };
    await createUser(s, t, user);
    // 25 unknown identifiers × 4 wrong passwords: below the per-account threshold (5), 100 in all.
    const flows = await Promise.all(Array.from({ length: 4 }, () => flow(t)));
    const before = await verifications();
    await Promise.all(flows.map(async (f, w) => {
      for (let i = 0; i < 25; i++) {
        const r = await password(f, `stuffed-${i}@example.com`, `guess-${w}`);
        expect(r.status).toBe(401);
      }
    }));
    expect(await verifications() - before).toBe(100);

    const f = await flow(t);
    const fresh = await password(f, 'never-tried@example.com', 'anything');
    expect(fresh.status).toBe(429);
    expect(fresh.body).toEqual(LOCKED);
    const correct = await password(f, user.email, user.password);
    expect(correct.status).toBe(429);
    const retryAfter = Number(correct.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await verifications() - before).toBe(100);
    // The address limit is not an account lock: nothing was recorded as Account.Locked.
    expect(await auditEvents(s, t.token, ['Account.Locked'])).toEqual([]);
  });
});
