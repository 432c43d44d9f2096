import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { UserErrorInterface } from '../../../graph/errors/user-error.js';
import { assertUnreachable } from '../../../shared/domain-error.js';
import type { OutboundPolicy } from '../../../shared/outbound/index.js';
import { OutboundPolicyError, OutboundPolicyErrorCode } from '../outbound-policy.errors.js';

export enum OutboundTarget {
  WEBHOOK_DELIVERY = 'webhook_delivery',
  JWKS_FETCH = 'jwks_fetch',
  OIDC_DISCOVERY = 'oidc_discovery',
}
registerEnumType(OutboundTarget, {
  name: 'OutboundTarget',
  description: 'What an outbound HTTP call is for.',
  valuesConfig: {
    WEBHOOK_DELIVERY: { description: 'Webhook deliveries and test sends.' },
    JWKS_FETCH: { description: 'Fetching a client\'s or identity provider\'s JWKS.' },
    OIDC_DISCOVERY: { description: 'Fetching an identity provider\'s discovery document.' },
  },
});

registerEnumType(OutboundPolicyErrorCode, {
  name: 'OutboundPolicyErrorCode',
  description: 'Why an outbound policy change was refused.',
  valuesConfig: {
    VALUE_INVALID: { description: 'A field is out of range or malformed.' },
    RELAXATION_FORBIDDEN: { description: 'Turning an address block off needs a platform operator.' },
  },
});

@ObjectType('OutboundPolicyUserError', { implements: UserErrorInterface, description: 'A problem with an outbound policy change.' })
export class OutboundPolicyUserError extends UserErrorInterface {
  @Field(() => OutboundPolicyErrorCode, { description: 'Machine-readable reason.' })
  code!: OutboundPolicyErrorCode;
}

export function outboundPolicyUserError(e: OutboundPolicyError): OutboundPolicyUserError {
  switch (e.code) {
    case OutboundPolicyErrorCode.VALUE_INVALID:
    case OutboundPolicyErrorCode.RELAXATION_FORBIDDEN:
      return Object.assign(new OutboundPolicyUserError(), { message: e.message, field: e.field ? [...e.field] : null, code: e.code });
    default:
      return assertUnreachable(e.code);
  }
}

@ObjectType('OutboundPolicy', { description: 'The SSRF guard\'s rules for one kind of outbound call of the current tenant. Loopback, private, link-local, multicast and cloud-metadata addresses are refused unless a block is turned off (metadata addresses always are); DNS is resolved once and the connection pinned to the checked address; redirects are never followed.' })
export class OutboundPolicyType {
  @Field(() => OutboundTarget, { description: 'The kind of call.' })
  target!: OutboundTarget;
  @Field(() => Boolean, { description: 'True when the tenant has no policy of its own and the platform default applies.' })
  isDefault!: boolean;
  @Field(() => [String], { description: 'Allowed URL schemes (http, https).' })
  allowedSchemes!: string[];
  @Field(() => [Int], { description: 'Allowed ports.' })
  allowedPorts!: number[];
  @Field(() => [String], { description: 'Allowed hosts (`*.example.com` matches sub-domains); empty: any host.' })
  allowedHostPatterns!: string[];
  @Field(() => [String], { description: 'Allowed paths (`/hooks/*`); empty: any path.' })
  allowedPathPatterns!: string[];
  @Field(() => Boolean, { description: 'Refuse private addresses (RFC 1918, CGNAT, ULA).' })
  blockPrivateIps!: boolean;
  @Field(() => Boolean, { description: 'Refuse loopback addresses (overridden only by SIGNET_OUTBOUND_ALLOW_LOOPBACK for development).' })
  blockLoopbackIps!: boolean;
  @Field(() => Boolean, { description: 'Refuse link-local addresses.' })
  blockLinkLocalIps!: boolean;
  @Field(() => Boolean, { description: 'Refuse multicast addresses.' })
  blockMulticastIps!: boolean;
  @Field(() => Boolean, { description: 'Refuse `localhost`, `*.local`, `*.internal` names.' })
  blockLocalhostNames!: boolean;
  @Field(() => Boolean, { description: 'Always true: redirects are never followed.' })
  disableRedirects!: boolean;
  @Field(() => Boolean, { description: 'A URL whose host does not resolve is refused at creation.' })
  requireDnsResolve!: boolean;
  @Field(() => Int, { description: 'Bytes of a response that are read at most.' })
  maxResponseBytes!: number;
  @Field(() => Int, { description: 'Time limit of one call, in seconds.' })
  requestTimeoutSeconds!: number;
}

export function toOutboundPolicyType(target: OutboundTarget, p: OutboundPolicy, isDefault: boolean): OutboundPolicyType {
  return Object.assign(new OutboundPolicyType(), { target, isDefault, ...p });
}

@InputType('OutboundPolicyInput', { description: 'Changes to an outbound policy; omitted fields keep their current value.' })
export class OutboundPolicyInput {
  @Field(() => [String], { nullable: true, description: 'Allowed schemes (subset of http, https).' })
  allowedSchemes?: string[] | null;
  @Field(() => [Int], { nullable: true, description: 'Allowed ports.' })
  allowedPorts?: number[] | null;
  @Field(() => [String], { nullable: true, description: 'Allowed host patterns; empty: any host.' })
  allowedHostPatterns?: string[] | null;
  @Field(() => [String], { nullable: true, description: 'Allowed path patterns; empty: any path.' })
  allowedPathPatterns?: string[] | null;
  @Field(() => Boolean, { nullable: true, description: 'Refuse private addresses (false needs a platform operator).' })
  blockPrivateIps?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Refuse loopback addresses (false needs a platform operator).' })
  blockLoopbackIps?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Refuse link-local addresses (false needs a platform operator).' })
  blockLinkLocalIps?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Refuse multicast addresses (false needs a platform operator).' })
  blockMulticastIps?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Refuse local names (false needs a platform operator).' })
  blockLocalhostNames?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Refuse URLs whose host does not resolve at creation.' })
  requireDnsResolve?: boolean | null;
  @Field(() => Int, { nullable: true, description: 'Response bytes read at most (1024-10485760).' })
  maxResponseBytes?: number | null;
  @Field(() => Int, { nullable: true, description: 'Time limit of one call in seconds (1-30).' })
  requestTimeoutSeconds?: number | null;
}

@ObjectType('OutboundPolicySetPayload', { description: 'Result of outboundPolicySet.' })
export class OutboundPolicySetPayload {
  @Field(() => OutboundPolicyType, { nullable: true, description: 'The policy now in force, unless userErrors is non-empty.' })
  policy!: OutboundPolicyType | null;
  @Field(() => [OutboundPolicyUserError], { description: 'Problems with the input; empty on success.' })
  userErrors!: OutboundPolicyUserError[];
}
