import DataLoader from 'dataloader';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ConnectionArgs, toConnection, toPageRequest } from '../../../graph/connection/connection.js';
import { withUserErrors } from '../../../graph/errors/user-error.js';
import { encodeGlobalId, uuidOf } from '../../../graph/node/global-id.js';
import { registerNodeType } from '../../../graph/node/node-registry.js';
import { DateTimeScalar } from '../../../graph/scalars/index.js';
import type { RequestContext } from '../../../shared/request-context.js';
import type { WebhookAttempt } from '../webhook.entity.js';
import { WebhookError, WebhookErrorCode } from '../webhook.errors.js';
import {
  WebhookAttemptType, WebhookDeliveryConnection, WebhookDeliveryPayload, WebhookDeliveryType, WebhookEndpointConnection,
  WebhookEndpointCreateInput, WebhookEndpointDeletePayload, WebhookEndpointPayload, WebhookEndpointSecretPayload, WebhookEndpointStats,
  WebhookEndpointType, WebhookEndpointUpdateInput, toStats, toWebhookAttemptType, toWebhookDeliveryType, toWebhookEndpointType, webhookUserError,
} from './webhook.types.js';

registerNodeType('WebhookEndpoint', async (ctx, uuids) => {
  if (!ctx.scopes.has('webhooks:read')) return new Map();
  const rows = await ctx.services.webhooks.findByIds(ctx, uuids);
  return new Map(rows.map((r) => [r.id, toWebhookEndpointType(r)]));
});
registerNodeType('WebhookDelivery', async (ctx, uuids) => {
  if (!ctx.scopes.has('webhooks:read')) return new Map();
  const rows = await ctx.services.webhooks.findDeliveries(ctx, uuids);
  return new Map(rows.map((r) => [r.id, toWebhookDeliveryType(r)]));
});

const notFound = () => new WebhookError(WebhookErrorCode.NOT_FOUND, 'webhook endpoint not found', ['id']);
const endpointUuid = (id: string) => {
  const u = uuidOf(id, 'WebhookEndpoint');
  if (!u) throw notFound();
  return u;
};

function attemptsByDelivery(ctx: RequestContext): DataLoader<string, WebhookAttempt[]> {
  return ctx.loaders.get('webhookAttemptsByDelivery', () => new DataLoader<string, WebhookAttempt[]>(async (ids) => {
    const rows = await ctx.services.webhooks.attemptsOf(ctx, ids);
    return ids.map((id) => rows.filter((r) => r.delivery === id));
  }));
}

@Resolver(() => WebhookEndpointType)
export class WebhookResolver {
  @Authorized('webhooks:read')
  @Query(() => WebhookEndpointConnection, { description: 'The current tenant\'s webhook endpoints, newest first. Requires webhooks:read.' })
  async webhookEndpoints(@Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: RequestContext) {
    const page = await ctx.services.webhooks.list(ctx, toPageRequest(args));
    return toConnection(page, toWebhookEndpointType, (e) => ({ value: e.createdAt.toISOString(), id: e.id }));
  }

  @Authorized('webhooks:write')
  @Mutation(() => WebhookEndpointSecretPayload, { description: 'Registers a webhook endpoint for event types and/or categories. A malformed URL, an unknown event type or a URL the tenant\'s outbound policy refuses is a userError. Returns the signing secret once. Requires webhooks:write. Emits Webhook.Endpoint.Created.' })
  async webhookEndpointCreate(@Arg('input', () => WebhookEndpointCreateInput) input: WebhookEndpointCreateInput, @Ctx() ctx: RequestContext): Promise<WebhookEndpointSecretPayload> {
    const r = await withUserErrors(() => ctx.services.webhooks.create(ctx, input), WebhookError, webhookUserError);
    return Object.assign(new WebhookEndpointSecretPayload(), {
      endpoint: r.result ? toWebhookEndpointType(r.result.endpoint) : null, secret: r.result?.secret ?? null, userErrors: r.userErrors,
    });
  }

  @Authorized('webhooks:write')
  @Mutation(() => WebhookEndpointPayload, { description: 'Changes an endpoint\'s URL, event filter or description, or enables/disables it. Requires webhooks:write. Emits Webhook.Endpoint.Updated (or Webhook.Endpoint.Disabled when enabled is false).' })
  async webhookEndpointUpdate(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => WebhookEndpointUpdateInput) input: WebhookEndpointUpdateInput,
    @Ctx() ctx: RequestContext,
  ): Promise<WebhookEndpointPayload> {
    const r = await withUserErrors(() => ctx.services.webhooks.update(ctx, endpointUuid(id), input), WebhookError, webhookUserError);
    return Object.assign(new WebhookEndpointPayload(), { endpoint: r.result ? toWebhookEndpointType(r.result) : null, userErrors: r.userErrors });
  }

  @Authorized('webhooks:write')
  @Mutation(() => WebhookEndpointPayload, { description: 'Stops deliveries to an endpoint (pending ones fail; re-enable with webhookEndpointUpdate). Requires webhooks:write. Emits Webhook.Endpoint.Disabled.' })
  async webhookEndpointDisable(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<WebhookEndpointPayload> {
    const r = await withUserErrors(() => ctx.services.webhooks.disable(ctx, endpointUuid(id)), WebhookError, webhookUserError);
    return Object.assign(new WebhookEndpointPayload(), { endpoint: r.result ? toWebhookEndpointType(r.result) : null, userErrors: r.userErrors });
  }

  @Authorized('webhooks:write')
  @Mutation(() => WebhookEndpointDeletePayload, { description: 'Deletes an endpoint and its delivery log. Requires webhooks:write. Emits Webhook.Endpoint.Deleted.' })
  async webhookEndpointDelete(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<WebhookEndpointDeletePayload> {
    const r = await withUserErrors(() => ctx.services.webhooks.delete(ctx, endpointUuid(id)), WebhookError, webhookUserError);
    return Object.assign(new WebhookEndpointDeletePayload(), { deletedEndpointId: r.result ? encodeGlobalId('WebhookEndpoint', r.result) : null, userErrors: r.userErrors });
  }

  @Authorized('webhooks:write')
  @Mutation(() => WebhookEndpointSecretPayload, { description: 'Replaces the signing secret and returns the new one once. During the overlap (default 24 h) every message carries two signatures, one per secret. Requires webhooks:write. Emits Webhook.Endpoint.Secret.Rotated.' })
  async webhookEndpointSecretRotate(
    @Arg('id', () => ID) id: string,
    @Arg('overlapSeconds', () => Int, { nullable: true, description: 'How long the previous secret keeps signing (0-604800, default 86400).' }) overlapSeconds: number | null,
    @Ctx() ctx: RequestContext,
  ): Promise<WebhookEndpointSecretPayload> {
    const r = await withUserErrors(() => ctx.services.webhooks.rotateSecret(ctx, endpointUuid(id), overlapSeconds ?? undefined), WebhookError, webhookUserError);
    return Object.assign(new WebhookEndpointSecretPayload(), {
      endpoint: r.result ? toWebhookEndpointType(r.result.endpoint) : null, secret: r.result?.secret ?? null, userErrors: r.userErrors,
    });
  }

  @Authorized('webhooks:write')
  @Mutation(() => WebhookDeliveryPayload, { description: 'Sends a signed test message (type Webhook.Test) to the endpoint now and returns the logged delivery with its attempt. Requires webhooks:write. Emits no event.' })
  async webhookEndpointTest(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<WebhookDeliveryPayload> {
    const r = await withUserErrors(() => ctx.services.webhooks.test(ctx, endpointUuid(id)), WebhookError, webhookUserError);
    return Object.assign(new WebhookDeliveryPayload(), { delivery: r.result ? toWebhookDeliveryType(r.result.delivery) : null, userErrors: r.userErrors });
  }

  @Authorized('webhooks:write')
  @Mutation(() => WebhookDeliveryPayload, { description: 'Queues one more attempt of a delivery (same webhook-id), through the outbox. Requires webhooks:write. Emits Webhook.Delivery.Redelivered.' })
  async webhookDeliveryRedeliver(@Arg('deliveryId', () => ID) deliveryId: string, @Ctx() ctx: RequestContext): Promise<WebhookDeliveryPayload> {
    const r = await withUserErrors(async () => {
      const u = uuidOf(deliveryId, 'WebhookDelivery');
      if (!u) throw new WebhookError(WebhookErrorCode.DELIVERY_NOT_FOUND, 'webhook delivery not found', ['deliveryId']);
      return ctx.services.webhooks.redeliver(ctx, u);
    }, WebhookError, webhookUserError);
    return Object.assign(new WebhookDeliveryPayload(), { delivery: r.result ? toWebhookDeliveryType(r.result) : null, userErrors: r.userErrors });
  }

  @Authorized('webhooks:read')
  @FieldResolver(() => WebhookDeliveryConnection, { description: 'The delivery log, newest first. Requires webhooks:read.' })
  async deliveries(@Root() e: WebhookEndpointType, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: RequestContext) {
    const page = await ctx.services.webhooks.deliveries(ctx, e.uuid, toPageRequest(args));
    return toConnection(page, toWebhookDeliveryType, (d) => ({ value: d.createdAt.toISOString(), id: d.id }));
  }

  @Authorized('webhooks:read')
  @FieldResolver(() => WebhookEndpointStats, { description: 'Delivery counts and success rate since `since` (default: the last 24 hours). Requires webhooks:read.' })
  async stats(
    @Root() e: WebhookEndpointType,
    @Arg('since', () => DateTimeScalar, { nullable: true, description: 'Start of the window.' }) since: Date | null,
    @Ctx() ctx: RequestContext,
  ): Promise<WebhookEndpointStats> {
    return toStats(await ctx.services.webhooks.stats(ctx, e.uuid, since ?? undefined));
  }
}

@Resolver(() => WebhookDeliveryType)
export class WebhookDeliveryResolver {
  @Authorized('webhooks:read')
  @FieldResolver(() => [WebhookAttemptType], { description: 'Its attempts, oldest first. Requires webhooks:read.' })
  async attempts(@Root() d: WebhookDeliveryType, @Ctx() ctx: RequestContext): Promise<WebhookAttemptType[]> {
    return (await attemptsByDelivery(ctx).load(d.uuid)).map(toWebhookAttemptType);
  }

  @Authorized('webhooks:read')
  @FieldResolver(() => WebhookEndpointType, { nullable: true, description: 'The endpoint it was sent to. Requires webhooks:read.' })
  async endpoint(@Root() d: WebhookDeliveryType, @Ctx() ctx: RequestContext): Promise<WebhookEndpointType | null> {
    const [e] = await ctx.services.webhooks.findByIds(ctx, [d.endpointUuid]);
    return e ? toWebhookEndpointType(e) : null;
  }
}
