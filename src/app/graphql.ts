import 'reflect-metadata';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled, ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { scopeAuthChecker } from '../graph/auth-checker.js';
import { formatError } from '../graph/errors/format-error.js';
import { LIMITS, LIMIT_RULES } from '../graph/limits.js';
import { NodeResolver } from '../graph/node/node.resolver.js';
import { ViewerResolver } from '../modules/access/index.js';
import { AuditEventResolver, AuditExportResolver, AuditRetentionResolver, EventCatalogResolver, SecurityEventsResolver } from '../modules/audit-log/index.js';
import { TenantConnectionResolver, TenantResolver } from '../modules/tenant/index.js';
import { ClientResolver } from '../modules/client/index.js';
import { UserConnectionResolver, UserResolver } from '../modules/user/index.js';
import { DevMailboxResolver, DevTextMessagesResolver } from '../modules/notification/index.js';
import { InteractionResolver } from '../modules/interaction/index.js';
import { SigningKeyResolver } from '../modules/signing-key/index.js';
import { WebhookDeliveryResolver, WebhookResolver } from '../modules/webhook/index.js';
import { OutboundPolicyResolver } from '../modules/outbound-policy/index.js';
import { ORGANIZATION_RESOLVERS } from '../modules/organization/index.js';
import { RBAC_RESOLVERS } from '../modules/rbac/index.js';
import { AuthenticatorResolver } from '../modules/authn/index.js';
import type { RequestContext } from '../shared/request-context.js';
import type { Logger } from '../shared/logger.js';
import { currentRequestId } from '../shared/request-scope.js';

const RESOLVERS = [NodeResolver, ViewerResolver, TenantResolver, TenantConnectionResolver, AuditEventResolver, EventCatalogResolver, SecurityEventsResolver, AuditExportResolver, AuditRetentionResolver,
  WebhookResolver, WebhookDeliveryResolver, OutboundPolicyResolver, ClientResolver, UserResolver, UserConnectionResolver, InteractionResolver, SigningKeyResolver,
  ...RBAC_RESOLVERS, ...ORGANIZATION_RESOLVERS, AuthenticatorResolver] as const;

/** Resolvers that exist only when NODE_ENV !== 'production' (schema.graphql is printed in development mode). */
const DEVELOPMENT_RESOLVERS = [DevMailboxResolver, DevTextMessagesResolver] as const;

const schemaPromises = new Map<boolean, Promise<GraphQLSchema>>();

/** The executable schema (built once per process and mode). Needs no database. */
export function graphSchema(production = false): Promise<GraphQLSchema> {
  let schemaPromise = schemaPromises.get(production);
  if (schemaPromise) return schemaPromise;
  schemaPromise = buildSchema({
    resolvers: production ? [...RESOLVERS] : [...RESOLVERS, ...DEVELOPMENT_RESOLVERS],
    authChecker: scopeAuthChecker,
    authMode: 'error',
    validate: false,
    emitSchemaFile: false,
    // Every subscription supplies its own `subscribe` (graph/pubsub.ts EventBus, tenant-scoped);
    // topic-based subscriptions are not used, so this PubSub refuses to be used.
    pubSub: {
      publish: () => { throw new Error('use EventBus (graph/pubsub.ts), not topic pub/sub'); },
      subscribe: () => { throw new Error('use EventBus (graph/pubsub.ts), not topic pub/sub'); },
    },
  });
  schemaPromises.set(production, schemaPromise);
  return schemaPromise;
}

/** schema.graphql: deterministic (sorted) SDL with a final newline, in development mode (with devMailbox). */
export async function schemaSDL(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await graphSchema()))}\n`;
}

export async function createApollo(log: Logger, opts: { production: boolean; introspection: boolean; plugins?: ApolloServerPlugin<RequestContext>[] }): Promise<ApolloServer<RequestContext>> {
  const schema = await graphSchema(opts.production);
  return new ApolloServer<RequestContext>({
    schema,
    introspection: opts.introspection,
    // Abuse limits (graph/limits.ts): tokens at parse time, depth/aliases/cost as validation rules.
    parseOptions: { maxTokens: LIMITS.maxTokens },
    validationRules: LIMIT_RULES,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    // Compact JSON (Apollo pretty-prints by default: bytes and CPU on every response).
    stringifyResult: (value) => JSON.stringify(value),
    // No per-field cache-control hints, no reporting to a vendor, no inline traces: nothing here
    // reads them, and they cost on every field of every operation.
    plugins: [ApolloServerPluginCacheControlDisabled(), ApolloServerPluginUsageReportingDisabled(), ApolloServerPluginSchemaReportingDisabled(), ApolloServerPluginInlineTraceDisabled(), ...(opts.plugins ?? [])],
    hideSchemaDetailsFromClientErrors: opts.production,
    formatError: formatError(log, currentRequestId),
  });
}
