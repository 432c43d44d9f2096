import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { createTenant } from '../../helpers/oauth-flow.js';
import { registerSecret } from '../../helpers/secrets.js';

describe('organization invitations are mailed through the mail transport', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer(); });
  afterAll(async () => { await s.stop(); });

  it('sends the invitee a message with the invitation code', async () => {
    const t = await createTenant(s);
    const org = await s.gql('mutation { organizationCreate(input: {name: "Mail Org"}) { organization { id } } }', undefined, { token: t.token });
    const orgId = (org.data as { organizationCreate: { organization: { id: string } } }).organizationCreate.organization.id;
    const inv = await s.gql('mutation($i: OrganizationInvitationCreateInput!) { organizationInvitationCreate(input: $i) { plaintextToken userErrors { code } } }',
      { i: { organizationId: orgId, email: 'Invitee@Example.com' } }, { token: t.token });
    const token = (inv.data as { organizationInvitationCreate: { plaintextToken: string } }).organizationInvitationCreate.plaintextToken;
    registerSecret(inject('logDir'), token);
    const box = await s.gql('{ devMailbox(to: "invitee@example.com") { subject text } }', undefined, { token: t.token });
    const messages = (box.data as { devMailbox: { subject: string; text: string }[] }).devMailbox;
    expect(messages.map((m) => m.subject)).toContain('You are invited to join Mail Org');
    expect(messages.find((m) => m.subject === 'You are invited to join Mail Org')!.text).toContain(`Invitation code: ${token}`);
  });
});
