/**
 * The ordered list of migrations, imported statically so that the same code runs from src/
 * (tests) and from dist/ (npm start). `npm run migration:create -- <name>` writes a new file
 * from the entity diff; add it here.
 */
import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261122164339_initial } from './Migration20261122164339_initial.js';
import { Migration20261122170759_oauth_core } from './Migration20261122170759_oauth_core.js';
import { Migration20261122171034_webhooks } from './Migration20261122171034_webhooks.js';
import { Migration20261122171704_session_participants } from './Migration20261122171704_session_participants.js';
import { Migration20261122172805_idempotency_keys } from './Migration20261122172805_idempotency_keys.js';
import { Migration20261122173253_orgs_rbac } from './Migration20261122173253_orgs_rbac.js';
import { Migration20261122173304_user_identity_graph } from './Migration20261122173304_user_identity_graph.js';
import { Migration20261122174117_audit_export } from './Migration20261122174117_audit_export.js';
import { Migration20261122174634_audit_retention } from './Migration20261122174634_audit_retention.js';
import { Migration20261122185028_client_jwks_uri } from './Migration20261122185028_client_jwks_uri.js';
import { Migration20261122185148_tenant_token_ttls } from './Migration20261122185148_tenant_token_ttls.js';
import { Migration20261122185914_client_cors_origins } from './Migration20261122185914_client_cors_origins.js';
import { Migration20261122191647_authn_methods } from './Migration20261122191647_authn_methods.js';
import { Migration20261122193049_org_mfa_required } from './Migration20261122193049_org_mfa_required.js';
import { Migration20261122214208_interaction_fillfactor } from './Migration20261122214208_interaction_fillfactor.js';

export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261122164339_initial', class: Migration20261122164339_initial },
  { name: 'Migration20261122170759_oauth_core', class: Migration20261122170759_oauth_core },
  { name: 'Migration20261122171034_webhooks', class: Migration20261122171034_webhooks },
  { name: 'Migration20261122171704_session_participants', class: Migration20261122171704_session_participants },
  { name: 'Migration20261122172805_idempotency_keys', class: Migration20261122172805_idempotency_keys },
  { name: 'Migration20261122173253_orgs_rbac', class: Migration20261122173253_orgs_rbac },
  { name: 'Migration20261122173304_user_identity_graph', class: Migration20261122173304_user_identity_graph },
  { name: 'Migration20261122174117_audit_export', class: Migration20261122174117_audit_export },
  { name: 'Migration20261122174634_audit_retention', class: Migration20261122174634_audit_retention },
  { name: 'Migration20261122185028_client_jwks_uri', class: Migration20261122185028_client_jwks_uri },
  { name: 'Migration20261122185148_tenant_token_ttls', class: Migration20261122185148_tenant_token_ttls },
  { name: 'Migration20261122185914_client_cors_origins', class: Migration20261122185914_client_cors_origins },
  { name: 'Migration20261122191647_authn_methods', class: Migration20261122191647_authn_methods },
  { name: 'Migration20261122193049_org_mfa_required', class: Migration20261122193049_org_mfa_required },
  { name: 'Migration20261122214208_interaction_fillfactor', class: Migration20261122214208_interaction_fillfactor },
];
