import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../helpers/server.js';
import { createClient, createTenant, createUser, TestBrowser, type TestTenant } from '../../../helpers/oauth-flow.js';
import { loginAndRedeem, PASSWORD, userinfo, verifyWithJwks } from '../../../helpers/oauth-assertions.js';

describe('OIDC Core §8.1 pairwise subject identifiers', () => {
  let s: TestServer;
  let t: TestTenant;
  let subject: string;
  const user = { email: 'pairwise@example.com', password: PASSWORD };

  beforeAll(async () => {
    s = await startTestServer();
    t = await createTenant(s);
    subject = await createUser(s, t, { email: user.email, password: PASSWORD });
  });
  afterAll(async () => { await s.stop(); });

  async function subs(redirectUri: string) {
    const c = await createClient(s, t, { subjectType: 'pairwise', redirectUris: [redirectUri] });
    const tok = await loginAndRedeem(s, t, c, new TestBrowser(), user);
    const idSub = (await verifyWithJwks(t.issuer, tok.id_token!, { audience: c.clientId })).payload.sub;
    const uiSub = (await userinfo(t, tok.access_token)).body.sub;
    return { c, idSub, uiSub };
  }

  it('a pairwise client gets a sub different from the public subject, the same in the ID token and at userinfo, stable across logins', async () => {
    const a = await subs('https://rp-a.example.com/cb');
    expect(a.idSub).not.toBe(subject);
    expect(a.uiSub).toBe(a.idSub);
    const again = await loginAndRedeem(s, t, a.c, new TestBrowser(), user);
    expect((await verifyWithJwks(t.issuer, again.id_token!, { audience: a.c.clientId })).payload.sub).toBe(a.idSub);
  });

  it('clients on the same host (sector) share the pairwise sub; a client on another host gets another one', async () => {
    const a = await subs('https://rp-shared.example.com/cb');
    const sameHost = await subs('https://rp-shared.example.com/other-cb');
    const otherHost = await subs('https://rp-other.example.com/cb');
    expect(sameHost.idSub).toBe(a.idSub);
    expect(otherHost.idSub).not.toBe(a.idSub);
    expect(otherHost.idSub).not.toBe(subject);
  });

  it('a public (default) client gets the public subject', async () => {
    const c = await createClient(s, t);
    const tok = await loginAndRedeem(s, t, c, new TestBrowser(), user);
    expect((await verifyWithJwks(t.issuer, tok.id_token!, { audience: c.clientId })).payload.sub).toBe(subject);
    expect((await userinfo(t, tok.access_token)).body.sub).toBe(subject);
  });
});
