import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { withUserErrors } from '../../../graph/errors/user-error.js';
import type { RequestContext } from '../../../shared/request-context.js';
import { OutboundPolicyError } from '../outbound-policy.errors.js';
import {
  OutboundPolicyInput, OutboundPolicySetPayload, OutboundPolicyType, OutboundTarget, outboundPolicyUserError, toOutboundPolicyType,
} from './outbound-policy.types.js';

@Resolver(() => OutboundPolicyType)
export class OutboundPolicyResolver {
  @Authorized('webhooks:read')
  @Query(() => OutboundPolicyType, { description: 'The outbound (SSRF) policy in force for one kind of call in the current tenant. Requires webhooks:read.' })
  async outboundPolicy(@Arg('target', () => OutboundTarget) target: OutboundTarget, @Ctx() ctx: RequestContext): Promise<OutboundPolicyType> {
    const { policy, isDefault } = await ctx.services.outboundPolicies.get(ctx, target);
    return toOutboundPolicyType(target, policy, isDefault);
  }

  @Authorized('webhooks:write')
  @Mutation(() => OutboundPolicySetPayload, { description: 'Sets the current tenant\'s outbound (SSRF) policy for one kind of call. Tenants may only narrow the platform default; turning an address block off needs platform:admin. Requires webhooks:write. Emits OutboundPolicy.Updated.' })
  async outboundPolicySet(
    @Arg('target', () => OutboundTarget) target: OutboundTarget,
    @Arg('input', () => OutboundPolicyInput) input: OutboundPolicyInput,
    @Ctx() ctx: RequestContext,
  ): Promise<OutboundPolicySetPayload> {
    const r = await withUserErrors(() => ctx.services.outboundPolicies.set(ctx, target, input as never), OutboundPolicyError, outboundPolicyUserError);
    return Object.assign(new OutboundPolicySetPayload(), { policy: r.result ? toOutboundPolicyType(target, r.result, false) : null, userErrors: r.userErrors });
  }
}
