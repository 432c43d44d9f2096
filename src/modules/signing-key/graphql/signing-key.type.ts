import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar, JSONObjectScalar } from '../../../graph/scalars/index.js';
import { NodeInterface } from '../../../graph/node/node.interface.js';
import { encodeGlobalId } from '../../../graph/node/global-id.js';
import type { SigningKey } from '../signing-key.entity.js';

export enum SigningKeyStatusEnum {
  NEXT = 'next',
  ACTIVE = 'active',
  RETIRED = 'retired',
}
registerEnumType(SigningKeyStatusEnum, {
  name: 'SigningKeyStatus',
  description: 'Where a key is in its life: published ahead of use, signing, or kept published after use.',
  valuesConfig: {
    NEXT: { description: 'Published in the JWKS, not yet signing.' },
    ACTIVE: { description: 'Signing new tokens.' },
    RETIRED: { description: 'No longer signing; still published until it expires so earlier tokens verify.' },
  },
});

@ObjectType('SigningKey', { implements: NodeInterface, description: 'A tenant signing key. Only the public half is ever exposed. Requires keys:read.' })
export class SigningKeyType extends NodeInterface {
  @Field(() => String, { description: 'Key id (RFC 7638 thumbprint), the `kid` of every JWT it signs.' })
  kid!: string;
  @Field(() => String, { description: 'JWS algorithm, e.g. ES256 or RS256.' })
  alg!: string;
  @Field(() => SigningKeyStatusEnum, { description: 'Life-cycle status.' })
  status!: SigningKeyStatusEnum;
  @Field(() => JSONObjectScalar, { description: 'The public key as a JWK.' })
  publicJwk!: Record<string, unknown>;
  @Field(() => DateTimeScalar, { description: 'When the key was generated.' })
  createdAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When the key started signing.' })
  activatedAt!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When the key stopped signing.' })
  retiredAt!: Date | null;
}

export function toSigningKeyType(k: SigningKey): SigningKeyType {
  return Object.assign(new SigningKeyType(), {
    id: encodeGlobalId('SigningKey', k.id), kid: k.kid, alg: k.alg, status: k.status as SigningKeyStatusEnum,
    publicJwk: k.publicJwk as Record<string, unknown>, createdAt: k.createdAt, activatedAt: k.activatedAt ?? null, retiredAt: k.retiredAt ?? null,
  });
}
