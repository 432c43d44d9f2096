import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphSchema } from '../../../src/app/graphql.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { createTenant, type TestTenant } from '../../helpers/oauth-flow.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('tenant settings: session lifetime, password policy, self-registration, authentication methods', () => {
  let s: TestServer;
  let t: TestTenant;
  const gql = async (query: string, variables?: Json): Promise<Json> => {
    const r = await s.gql(query, variables, { token: t.token });
    expect(r.errors).toBeUndefined();
    return r.data as Json;
  };
  const update = `mutation($input: TenantSettingsUpdateInput!) { tenantSettingsUpdate(input: $input) { tenant { settings { sessionTtl selfRegistration authenticationMethods passwordPolicy { minLength requireClasses } } } userErrors { code message field } } }`;

  beforeAll(async () => { s = await startTestServer(); t = await createTenant(s); });
  afterAll(async () => { await s.stop(); });

  it('has defaults, changes them with before/after in Tenant.Updated, and validates', async () => {
    expect((await gql(`{ currentTenant { settings { sessionTtl selfRegistration authenticationMethods passwordPolicy { minLength requireClasses } } } }`)).currentTenant.settings)
      .toEqual({ sessionTtl: 1_209_600, selfRegistration: false, authenticationMethods: ['password'], passwordPolicy: { minLength: 8, requireClasses: [] } });
    const r = (await gql(update, { input: { sessionTtl: 3600, passwordMinLength: 12, passwordRequireClasses: ['uppercase', 'digit'], selfRegistration: true, authenticationMethods: ['password', 'passkey'] } })).tenantSettingsUpdate;
    expect(r).toEqual({ tenant: { settings: { sessionTtl: 3600, selfRegistration: true, authenticationMethods: ['password', 'passkey'], passwordPolicy: { minLength: 12, requireClasses: ['digit', 'uppercase'] } } }, userErrors: [] });
    const ev = (await gql(`{ auditEvents(first: 5, filter: {types: ["Tenant.Updated"]}) { nodes { payload } } }`)).auditEvents.nodes[0];
    expect(ev.payload.changes).toEqual({
      sessionTtl: { before: 1_209_600, after: 3600 }, passwordMinLength: { before: 8, after: 12 }, passwordRequireClasses: { before: [], after: ['digit', 'uppercase'] },
      selfRegistration: { before: false, after: true }, authMethods: { before: ['password'], after: ['password', 'passkey'] },
    });
    expect((await gql(update, { input: { passwordMinLength: 4 } })).tenantSettingsUpdate.userErrors).toEqual([{ code: 'SETTING_INVALID', message: 'passwordMinLength must be 8-128', field: ['input', 'passwordMinLength'] }]);
    expect((await gql(update, { input: { passwordRequireClasses: ['emoji'] } })).tenantSettingsUpdate.userErrors)
      .toEqual([{ code: 'SETTING_INVALID', message: 'unknown character class "emoji" (expected lowercase, uppercase, digit, symbol)', field: ['input', 'passwordRequireClasses'] }]);
    expect((await gql(update, { input: { authenticationMethods: [] } })).tenantSettingsUpdate.userErrors)
      .toEqual([{ code: 'SETTING_INVALID', message: 'at least one authentication method must be allowed', field: ['input', 'authenticationMethods'] }]);
  });

  it('applies the password policy to userCreate and userPasswordSet', async () => {
    await gql(update, { input: { passwordMinLength: 10, passwordRequireClasses: ['uppercase', 'digit', 'symbol'] } });
    const create = `mutation($input: UserCreateInput!) { userCreate(input: $input) { user { id } userErrors { code message field } } }`;
    expect((await gql(create, { input: { email: 'policy@example.com', password: 'short' } })).userCreate.userErrors)
      .toEqual([{ code: 'PASSWORD_TOO_WEAK', message: 'password must be 10-1024 characters', field: ['input', 'password'] }]);
    expect((await gql(create, { input: { email: 'policy@example.com', password: 'longenough lowercase' } })).userCreate.userErrors)
      .toEqual([{ code: 'PASSWORD_TOO_WEAK', message: 'password must contain a digit, a symbol, an uppercase letter', field: ['input', 'password'] }]);
    const ok = (await gql(create, { input: { email: 'policy@example.com', password: 'Longenough-1' } })).userCreate;
    expect(ok.userErrors).toEqual([]);
    const set = (await gql(`mutation($id: ID!) { userPasswordSet(id: $id, input: {password: "nouppercase-1"}) { userErrors { code message } } }`, { id: ok.user.id })).userPasswordSet;
    expect(set.userErrors).toEqual([{ code: 'PASSWORD_TOO_WEAK', message: 'password must contain an uppercase letter' }]);
  });

  it('omits devMailbox from the production schema; the development schema (schema.graphql) has it', async () => {
    expect((await graphSchema(true)).getQueryType()!.getFields().devMailbox).toBeUndefined();
    expect((await graphSchema(false)).getQueryType()!.getFields().devMailbox).toBeDefined();
  });
});
