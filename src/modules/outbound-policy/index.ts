export { OutboundPolicyRow } from './outbound-policy.entity.js';
export { OutboundPolicyService } from './outbound-policy.service.js';
export { OutboundPolicyResolver } from './graphql/outbound-policy.resolver.js';
