import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { startTestServer, type TestServer } from '../../../helpers/server.js';
import { expectOAuthError, rootTokenRequest } from '../protocol-helpers.js';

describe('RFC 8707 resource indicators at the token endpoint', () => {
  let s: TestServer;
  let managementAudience: string;

  beforeAll(async () => {
    s = await startTestServer();
    managementAudience = `${s.url}/graphql`;
  });
  afterAll(async () => { await s.stop(); });

  it('§2: a resource equal to the management API audience becomes the token audience', async () => {
    const r = await rootTokenRequest(s, { grant_type: 'client_credentials', resource: managementAudience });
    expect(r.status).toBe(200);
    expect(decodeJwt(r.body.access_token as string).aud).toBe(managementAudience);
  });

  it('without resource, the management client gets the management API audience', async () => {
    const r = await rootTokenRequest(s, { grant_type: 'client_credentials' });
    expect(r.status).toBe(200);
    expect(decodeJwt(r.body.access_token as string).aud).toBe(managementAudience);
  });

  it('§2: refuses an unknown resource with invalid_target', async () => {
    const r = await rootTokenRequest(s, { grant_type: 'client_credentials', resource: 'https://api.example.com/' });
    expectOAuthError(r, 400, 'invalid_target', 'resource is not allowed for this client');
  });

  it('§2: refuses a near-miss of the allowed resource (exact match only)', async () => {
    for (const resource of [`${managementAudience}/`, `${managementAudience}?x=1`, managementAudience.toUpperCase()]) {
      const r = await rootTokenRequest(s, { grant_type: 'client_credentials', resource });
      expectOAuthError(r, 400, 'invalid_target', 'resource is not allowed for this client');
    }
  });

  it('§2: refuses a resource with a fragment', async () => {
    for (const resource of [`${managementAudience}#section`, `${managementAudience}#`]) {
      const r = await rootTokenRequest(s, { grant_type: 'client_credentials', resource });
      expectOAuthError(r, 400, 'invalid_target', 'resource must not contain a fragment (RFC 8707 §2)');
    }
  });

  it('§2: refuses a relative resource', async () => {
    for (const resource of ['/graphql', 'graphql']) {
      const r = await rootTokenRequest(s, { grant_type: 'client_credentials', resource });
      expectOAuthError(r, 400, 'invalid_target', 'resource must be an absolute URI (RFC 8707 §2)');
    }
  });

  it('refuses two resource parameters (one audience per token)', async () => {
    const body = new URLSearchParams([['grant_type', 'client_credentials'], ['resource', managementAudience], ['resource', 'https://api.example.com/']]);
    const r = await rootTokenRequest(s, body);
    expectOAuthError(r, 400, 'invalid_target', 'only one resource may be requested per token request');
    const same = new URLSearchParams([['grant_type', 'client_credentials'], ['resource', managementAudience], ['resource', managementAudience]]);
    expectOAuthError(await rootTokenRequest(s, same), 400, 'invalid_target', 'only one resource may be requested per token request');
  });
});
