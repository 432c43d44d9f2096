import { Arg, Authorized, Ctx, Field, Mutation, ObjectType, Resolver } from 'type-graphql';
import type { SigningAlg } from '../../../crypto/keys.js';
import { SIGNING_ALGS } from '../../../crypto/keys.js';
import type { RequestContext } from '../../../shared/request-context.js';
import { SigningKeyType, toSigningKeyType } from './signing-key.type.js';
import { GraphQLError } from 'graphql';

@ObjectType('SigningKeyRotatePayload', { description: 'Result of signingKeyRotate.' })
export class SigningKeyRotatePayload {
  @Field(() => [SigningKeyType], { description: 'The keys now active (one per rotated algorithm).' })
  activeKeys!: SigningKeyType[];
}

@Resolver()
export class SigningKeyResolver {
  @Authorized('keys:write')
  @Mutation(() => SigningKeyRotatePayload, {
    description: 'Rotates the current tenant\'s signing keys with overlap: the published next key becomes active, the active one is retired but stays in the JWKS for 7 days, a new next key is published. Requires keys:write. Emits SigningKey.Rotated.',
  })
  async signingKeyRotate(
    @Arg('algs', () => [String], { nullable: true, description: 'Algorithms to rotate (default: all of RS256, PS256, ES256, EdDSA).' }) algs: string[] | null,
    @Ctx() ctx: RequestContext,
  ): Promise<SigningKeyRotatePayload> {
    const unknown = (algs ?? []).filter((a) => !(SIGNING_ALGS as readonly string[]).includes(a));
    if (unknown.length) throw new GraphQLError(`unknown algorithm: ${unknown.join(', ')}`, { extensions: { code: 'BAD_USER_INPUT', argumentName: 'algs' } });
    const rotated = await ctx.services.signingKeys.rotate(ctx, algs?.length ? (algs as SigningAlg[]) : undefined);
    ctx.services.forgetKeys(ctx.tenant.id);
    return Object.assign(new SigningKeyRotatePayload(), { activeKeys: rotated.map(toSigningKeyType) });
  }
}
