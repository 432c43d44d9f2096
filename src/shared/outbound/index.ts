export { classifyAddress, isLocalName, type AddressClass } from './address.js';
export {
  DEFAULT_OUTBOUND_POLICY, OutboundRefused, checkUrl, hostMatches, addressAllowed,
  type OutboundPolicy, type OutboundPurpose, type OutboundSettings,
} from './policy.js';
export { outboundRequest, checkOutboundUrl, resolvePinned, OutboundFailed, type OutboundRequest, type OutboundResponse } from './request.js';
