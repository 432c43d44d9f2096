import { classifyAddress, isLocalName, type AddressClass } from './address.js';

/** What an outbound call is for (the seed broker API's `target`). */
export type OutboundPurpose = 'webhook_delivery' | 'jwks_fetch' | 'oidc_discovery';

/**
 * An outbound HTTP policy (fields as in the identity broker's outbound policy API). The platform
 * default below applies when a tenant has none; a tenant policy can only narrow what the platform
 * allows, except that a platform operator may relax the private-address blocks for a tenant.
 */
export interface OutboundPolicy {
  allowedSchemes: string[];
  allowedPorts: number[];
  /** `*.example.com` matches sub-domains only; `example.com` matches exactly; empty = any host. */
  allowedHostPatterns: string[];
  /** `/hooks/*` style; empty = any path. */
  allowedPathPatterns: string[];
  blockPrivateIps: boolean;
  blockLoopbackIps: boolean;
  blockLinkLocalIps: boolean;
  blockMulticastIps: boolean;
  blockLocalhostNames: boolean;
  disableRedirects: boolean;
  requireDnsResolve: boolean;
  maxResponseBytes: number;
  requestTimeoutSeconds: number;
}

export const DEFAULT_OUTBOUND_POLICY: Readonly<OutboundPolicy> = Object.freeze({
  allowedSchemes: ['https', 'http'],
  allowedPorts: [80, 443, 8080, 8443],
  allowedHostPatterns: [],
  allowedPathPatterns: [],
  blockPrivateIps: true,
  blockLoopbackIps: true,
  blockLinkLocalIps: true,
  blockMulticastIps: true,
  blockLocalhostNames: true,
  disableRedirects: true,
  requireDnsResolve: true,
  maxResponseBytes: 64 * 1024,
  requestTimeoutSeconds: 5,
});

/** Process-wide switches (from the environment). */
export interface OutboundSettings {
  /** SIGNET_OUTBOUND_ALLOW_LOOPBACK: tests and local development may call 127.0.0.1 / ::1 / localhost, any port. */
  allowLoopback: boolean;
}

export class OutboundRefused extends Error {
  constructor(readonly reason: 'url_invalid' | 'scheme' | 'port' | 'credentials' | 'host_pattern' | 'path_pattern' | 'address' | 'localhost_name' | 'dns', message: string) {
    super(message);
    this.name = 'OutboundRefused';
  }
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
}

export function hostMatches(host: string, pattern: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  const p = pattern.toLowerCase().trim();
  if (p.startsWith('*.')) return h.endsWith(p.slice(1)) && h.length > p.length - 1;
  return globToRegExp(p).test(h);
}

/** Whether an address of this class may be connected to under the policy. */
export function addressAllowed(cls: AddressClass, policy: OutboundPolicy, settings: OutboundSettings): boolean {
  switch (cls) {
    case 'public': return true;
    case 'metadata': return false;
    case 'reserved': return false;
    case 'loopback': return settings.allowLoopback || !policy.blockLoopbackIps;
    case 'private': return !policy.blockPrivateIps;
    case 'link-local': return !policy.blockLinkLocalIps;
    case 'multicast': return !policy.blockMulticastIps;
  }
}

export interface CheckedUrl {
  url: URL;
  /** Host without IPv6 brackets. */
  host: string;
  port: number;
  /** Set when the host is an IP literal. */
  literal?: AddressClass;
}

/**
 * Static checks of a URL against a policy (no DNS): parseable absolute http(s) URL without
 * credentials, allowed scheme and port, host and path patterns, IP literals by class,
 * localhost-style names. WHATWG parsing first normalizes decimal/octal/hex IPv4 spellings.
 */
export function checkUrl(raw: string, policy: OutboundPolicy, settings: OutboundSettings): CheckedUrl {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundRefused('url_invalid', 'url is not a valid absolute URL');
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme !== 'http' && scheme !== 'https') throw new OutboundRefused('scheme', `scheme "${scheme}" is not allowed (http or https only)`);
  if (!policy.allowedSchemes.includes(scheme)) throw new OutboundRefused('scheme', `scheme "${scheme}" is not allowed by the outbound policy`);
  if (url.username || url.password) throw new OutboundRefused('credentials', 'url must not contain credentials');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port ? Number(url.port) : scheme === 'https' ? 443 : 80;
  const literal = classifyAddress(host);
  const loopbackException = settings.allowLoopback && (literal === 'loopback' || (literal === undefined && isLocalName(host) && /^localhost\.?$/i.test(host)));
  if (!loopbackException && !policy.allowedPorts.includes(port)) throw new OutboundRefused('port', `port ${port} is not allowed by the outbound policy`);
  if (policy.allowedHostPatterns.length && !policy.allowedHostPatterns.some((p) => hostMatches(host, p))) {
    throw new OutboundRefused('host_pattern', `host "${host}" matches none of the allowed host patterns`);
  }
  if (policy.allowedPathPatterns.length && !policy.allowedPathPatterns.some((p) => globToRegExp(p).test(url.pathname))) {
    throw new OutboundRefused('path_pattern', `path "${url.pathname}" matches none of the allowed path patterns`);
  }
  if (literal !== undefined) {
    if (!addressAllowed(literal, policy, settings)) throw new OutboundRefused('address', `address ${host} is ${literal} and may not be called`);
  } else if (!loopbackException && policy.blockLocalhostNames && isLocalName(host)) {
    throw new OutboundRefused('localhost_name', `host "${host}" is a local name and may not be called`);
  }
  return { url, host, port, literal };
}
