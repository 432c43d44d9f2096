import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlowClient } from '../../helpers/authn.js';
import { createTenant, createUser, type TestTenant } from '../../helpers/oauth-flow.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

describe('a new sign-in in the same browser replaces its session (no stale live session left behind)', () => {
  let s: TestServer;
  let t: TestTenant;
  beforeAll(async () => {
    s = await startTestServer();
    t = await createTenant(s);
  });
  afterAll(async () => s?.stop());

  const liveSessions = async (subject: string) => {
    const r = await s.gql(`query { users(first: 10) { nodes { subject sessions(first: 10) { nodes { id } } } } }`, {}, { token: t.token });
    return (r.data as { users: { nodes: { subject: string; sessions: { nodes: { id: string }[] } }[] } }).users.nodes.find((u) => u.subject === subject)!.sessions.nodes.length;
  };

  it('signing in again (re-authentication) ends the session the browser had', async () => {
    const sub = await createUser(s, t, { email: 'barbara@example.com', password: 'clu-abstraction-1974' });
    const f = new FlowClient(s, t);
    for (let i = 0; i < 2; i++) {
      await f.start();
      await f.authenticate({ method: 'password', email: 'barbara@example.com', password: 'clu-abstraction-1974' });
      expect((await f.complete()).status).toBe(200);
    }
    expect(await liveSessions(sub)).toBe(1);
    // Another browser keeps its own session.
    const g = new FlowClient(s, t);
    await g.start();
    await g.authenticate({ method: 'password', email: 'barbara@example.com', password: 'clu-abstraction-1974' });
    await g.complete();
    expect(await liveSessions(sub)).toBe(2);
  });
});
