/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query AuditEvents($first: Int, $after: String, $filter: AuditEventFilter) {\n    auditEvents(first: $first, after: $after, filter: $filter) {\n      edges { cursor node { id type targetType targetId requestId payload occurredAt actor { kind id clientId } } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.AuditEventsDocument,
    "\n  subscription AuditEventRecorded($filter: AuditEventSubscriptionFilter) {\n    auditEventRecorded(filter: $filter) { id type targetId requestId payload actor { kind clientId } }\n  }\n": typeof types.AuditEventRecordedDocument,
    "\n  mutation Rename($id: ID!, $input: TenantUpdateInput!) { tenantUpdate(id: $id, input: $input) { tenant { id } userErrors { code } } }\n": typeof types.RenameDocument,
    "\n  query EventTypes($category: EventCategory) { eventCatalogVersion eventTypes(category: $category) { name description category severity } }\n": typeof types.EventTypesDocument,
    "\n  query Viewer {\n    viewer { kind subject clientId scopes tokenExpiresAt tenant { slug isSystem } homeTenant { slug } }\n  }\n": typeof types.ViewerDocument,
    "\n  query CurrentTenant { currentTenant { id slug name issuer } }\n": typeof types.CurrentTenantDocument,
    "\n  mutation TenantCreate($input: TenantCreateInput!) {\n    tenantCreate(input: $input) {\n      tenant { id slug name issuer isSystem signingKeys { kid alg status publicJwk } }\n      managementClient { clientId plaintextSecret }\n      userErrors { message field code }\n    }\n  }\n": typeof types.TenantCreateDocument,
    "\n  mutation TenantUpdate($id: ID!, $input: TenantUpdateInput!) {\n    tenantUpdate(id: $id, input: $input) { tenant { id name } userErrors { message field code } }\n  }\n": typeof types.TenantUpdateDocument,
    "\n  mutation TenantDelete($id: ID!) {\n    tenantDelete(id: $id) { deletedTenantId userErrors { message field code } }\n  }\n": typeof types.TenantDeleteDocument,
    "\n  query TenantBySlug($slug: String!) { tenant(slug: $slug) { id slug name } }\n": typeof types.TenantBySlugDocument,
    "\n  query NodeLookup($id: ID!, $ids: [ID!]!) {\n    node(id: $id) { id __typename ... on Tenant { slug } }\n    nodes(ids: $ids) { id }\n  }\n": typeof types.NodeLookupDocument,
    "\n  query TenantsPage($first: Int, $after: String, $last: Int, $before: String, $orderBy: TenantOrder) {\n    tenants(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy) {\n      totalCount\n      edges { cursor node { slug } }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n": typeof types.TenantsPageDocument,
    "query CurrentTenantName { currentTenant { slug name } }": typeof types.CurrentTenantNameDocument,
    "\n  query TenantsWithKeys($first: Int!) {\n    tenants(first: $first) { nodes { slug issuer signingKeys { kid alg status } } }\n  }\n": typeof types.TenantsWithKeysDocument,
};
const documents: Documents = {
    "\n  query AuditEvents($first: Int, $after: String, $filter: AuditEventFilter) {\n    auditEvents(first: $first, after: $after, filter: $filter) {\n      edges { cursor node { id type targetType targetId requestId payload occurredAt actor { kind id clientId } } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.AuditEventsDocument,
    "\n  subscription AuditEventRecorded($filter: AuditEventSubscriptionFilter) {\n    auditEventRecorded(filter: $filter) { id type targetId requestId payload actor { kind clientId } }\n  }\n": types.AuditEventRecordedDocument,
    "\n  mutation Rename($id: ID!, $input: TenantUpdateInput!) { tenantUpdate(id: $id, input: $input) { tenant { id } userErrors { code } } }\n": types.RenameDocument,
    "\n  query EventTypes($category: EventCategory) { eventCatalogVersion eventTypes(category: $category) { name description category severity } }\n": types.EventTypesDocument,
    "\n  query Viewer {\n    viewer { kind subject clientId scopes tokenExpiresAt tenant { slug isSystem } homeTenant { slug } }\n  }\n": types.ViewerDocument,
    "\n  query CurrentTenant { currentTenant { id slug name issuer } }\n": types.CurrentTenantDocument,
    "\n  mutation TenantCreate($input: TenantCreateInput!) {\n    tenantCreate(input: $input) {\n      tenant { id slug name issuer isSystem signingKeys { kid alg status publicJwk } }\n      managementClient { clientId plaintextSecret }\n      userErrors { message field code }\n    }\n  }\n": types.TenantCreateDocument,
    "\n  mutation TenantUpdate($id: ID!, $input: TenantUpdateInput!) {\n    tenantUpdate(id: $id, input: $input) { tenant { id name } userErrors { message field code } }\n  }\n": types.TenantUpdateDocument,
    "\n  mutation TenantDelete($id: ID!) {\n    tenantDelete(id: $id) { deletedTenantId userErrors { message field code } }\n  }\n": types.TenantDeleteDocument,
    "\n  query TenantBySlug($slug: String!) { tenant(slug: $slug) { id slug name } }\n": types.TenantBySlugDocument,
    "\n  query NodeLookup($id: ID!, $ids: [ID!]!) {\n    node(id: $id) { id __typename ... on Tenant { slug } }\n    nodes(ids: $ids) { id }\n  }\n": types.NodeLookupDocument,
    "\n  query TenantsPage($first: Int, $after: String, $last: Int, $before: String, $orderBy: TenantOrder) {\n    tenants(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy) {\n      totalCount\n      edges { cursor node { slug } }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n": types.TenantsPageDocument,
    "query CurrentTenantName { currentTenant { slug name } }": types.CurrentTenantNameDocument,
    "\n  query TenantsWithKeys($first: Int!) {\n    tenants(first: $first) { nodes { slug issuer signingKeys { kid alg status } } }\n  }\n": types.TenantsWithKeysDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditEvents($first: Int, $after: String, $filter: AuditEventFilter) {\n    auditEvents(first: $first, after: $after, filter: $filter) {\n      edges { cursor node { id type targetType targetId requestId payload occurredAt actor { kind id clientId } } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query AuditEvents($first: Int, $after: String, $filter: AuditEventFilter) {\n    auditEvents(first: $first, after: $after, filter: $filter) {\n      edges { cursor node { id type targetType targetId requestId payload occurredAt actor { kind id clientId } } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AuditEventRecorded($filter: AuditEventSubscriptionFilter) {\n    auditEventRecorded(filter: $filter) { id type targetId requestId payload actor { kind clientId } }\n  }\n"): (typeof documents)["\n  subscription AuditEventRecorded($filter: AuditEventSubscriptionFilter) {\n    auditEventRecorded(filter: $filter) { id type targetId requestId payload actor { kind clientId } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Rename($id: ID!, $input: TenantUpdateInput!) { tenantUpdate(id: $id, input: $input) { tenant { id } userErrors { code } } }\n"): (typeof documents)["\n  mutation Rename($id: ID!, $input: TenantUpdateInput!) { tenantUpdate(id: $id, input: $input) { tenant { id } userErrors { code } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EventTypes($category: EventCategory) { eventCatalogVersion eventTypes(category: $category) { name description category severity } }\n"): (typeof documents)["\n  query EventTypes($category: EventCategory) { eventCatalogVersion eventTypes(category: $category) { name description category severity } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Viewer {\n    viewer { kind subject clientId scopes tokenExpiresAt tenant { slug isSystem } homeTenant { slug } }\n  }\n"): (typeof documents)["\n  query Viewer {\n    viewer { kind subject clientId scopes tokenExpiresAt tenant { slug isSystem } homeTenant { slug } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CurrentTenant { currentTenant { id slug name issuer } }\n"): (typeof documents)["\n  query CurrentTenant { currentTenant { id slug name issuer } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TenantCreate($input: TenantCreateInput!) {\n    tenantCreate(input: $input) {\n      tenant { id slug name issuer isSystem signingKeys { kid alg status publicJwk } }\n      managementClient { clientId plaintextSecret }\n      userErrors { message field code }\n    }\n  }\n"): (typeof documents)["\n  mutation TenantCreate($input: TenantCreateInput!) {\n    tenantCreate(input: $input) {\n      tenant { id slug name issuer isSystem signingKeys { kid alg status publicJwk } }\n      managementClient { clientId plaintextSecret }\n      userErrors { message field code }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TenantUpdate($id: ID!, $input: TenantUpdateInput!) {\n    tenantUpdate(id: $id, input: $input) { tenant { id name } userErrors { message field code } }\n  }\n"): (typeof documents)["\n  mutation TenantUpdate($id: ID!, $input: TenantUpdateInput!) {\n    tenantUpdate(id: $id, input: $input) { tenant { id name } userErrors { message field code } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TenantDelete($id: ID!) {\n    tenantDelete(id: $id) { deletedTenantId userErrors { message field code } }\n  }\n"): (typeof documents)["\n  mutation TenantDelete($id: ID!) {\n    tenantDelete(id: $id) { deletedTenantId userErrors { message field code } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TenantBySlug($slug: String!) { tenant(slug: $slug) { id slug name } }\n"): (typeof documents)["\n  query TenantBySlug($slug: String!) { tenant(slug: $slug) { id slug name } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NodeLookup($id: ID!, $ids: [ID!]!) {\n    node(id: $id) { id __typename ... on Tenant { slug } }\n    nodes(ids: $ids) { id }\n  }\n"): (typeof documents)["\n  query NodeLookup($id: ID!, $ids: [ID!]!) {\n    node(id: $id) { id __typename ... on Tenant { slug } }\n    nodes(ids: $ids) { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TenantsPage($first: Int, $after: String, $last: Int, $before: String, $orderBy: TenantOrder) {\n    tenants(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy) {\n      totalCount\n      edges { cursor node { slug } }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n"): (typeof documents)["\n  query TenantsPage($first: Int, $after: String, $last: Int, $before: String, $orderBy: TenantOrder) {\n    tenants(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy) {\n      totalCount\n      edges { cursor node { slug } }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query CurrentTenantName { currentTenant { slug name } }"): (typeof documents)["query CurrentTenantName { currentTenant { slug name } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TenantsWithKeys($first: Int!) {\n    tenants(first: $first) { nodes { slug issuer signingKeys { kid alg status } } }\n  }\n"): (typeof documents)["\n  query TenantsWithKeys($first: Int!) {\n    tenants(first: $first) { nodes { slug issuer signingKeys { kid alg status } } }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;