import net from 'node:net';

/**
 * Classification of IP addresses for the SSRF guard. Rules enforced:
 * - loopback (127.0.0.0/8, ::1), "this network" (0.0.0.0/8, ::) and IPv4-compatible (::/96);
 * - private (RFC 1918, 100.64.0.0/10 CGNAT, 198.18.0.0/15 benchmarking, fc00::/7 ULA);
 * - link-local (169.254.0.0/16, fe80::/10), multicast (224.0.0.0/4, ff00::/8),
 *   reserved (240.0.0.0/4, broadcast, documentation ranges);
 * - cloud metadata endpoints (169.254.169.254, 169.254.170.2, 100.100.100.200, fd00:ec2::254),
 *   refused whatever the policy says;
 * - IPv6 forms that embed an IPv4 address (IPv4-mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96,
 *   6to4 2002::/16) are judged by the embedded IPv4 address.
 * Alternative IPv4 spellings (decimal 2130706433, octal 0177.0.0.1, hex 0x7f.1, short 127.1)
 * are normalized by WHATWG URL parsing before they reach here (see `hostOf`).
 */
export type AddressClass = 'public' | 'loopback' | 'private' | 'link-local' | 'multicast' | 'reserved' | 'metadata';

const METADATA = new Set(['169.254.169.254', '169.254.170.2', '100.100.100.200', 'fd00:ec2::254']);

function v4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}

const V4_RANGES: Array<[string, number, AddressClass]> = [
  ['0.0.0.0', 8, 'loopback'],
  ['127.0.0.0', 8, 'loopback'],
  ['10.0.0.0', 8, 'private'],
  ['172.16.0.0', 12, 'private'],
  ['192.168.0.0', 16, 'private'],
  ['100.64.0.0', 10, 'private'],
  ['198.18.0.0', 15, 'private'],
  ['169.254.0.0', 16, 'link-local'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'reserved'],
  ['198.51.100.0', 24, 'reserved'],
  ['203.0.113.0', 24, 'reserved'],
];

function classifyV4(ip: string): AddressClass {
  if (METADATA.has(ip)) return 'metadata';
  const n = v4ToInt(ip);
  for (const [base, bits, cls] of V4_RANGES) {
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    if (((n & mask) >>> 0) === ((v4ToInt(base) & mask) >>> 0)) return cls;
  }
  return 'public';
}

/** The 8 16-bit groups of an IPv6 address (handles `::` and a trailing dotted IPv4). */
export function ipv6Groups(ip: string): number[] {
  let s = ip.toLowerCase().replace(/^\[|\]$/g, '').split('%')[0]!;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const n = v4ToInt(v4[1]!);
    s = s.slice(0, -v4[1]!.length) + `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, tail] = s.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const fill = tail !== undefined ? new Array(8 - h.length - t.length).fill('0') : [];
  return [...h, ...fill, ...t].map((g) => parseInt(g, 16));
}

function groupsToV4(hi: number, lo: number): string {
  return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join('.');
}

function classifyV6(ip: string): AddressClass {
  const g = ipv6Groups(ip);
  const canonical = g.map((x) => x.toString(16)).join(':');
  if (canonical === 'fd00:ec2:0:0:0:0:0:254') return 'metadata';
  const zeros5 = g.slice(0, 5).every((x) => x === 0);
  if (zeros5 && g[5] === 0xffff) return classifyV4(groupsToV4(g[6]!, g[7]!)); // IPv4-mapped
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return classifyV4(groupsToV4(g[6]!, g[7]!)); // NAT64
  if (g[0] === 0x2002) return classifyV4(groupsToV4(g[1]!, g[2]!)); // 6to4
  if (g.every((x) => x === 0)) return 'loopback'; // ::
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return 'loopback'; // ::1
  if (zeros5 && g[5] === 0) return 'reserved'; // IPv4-compatible ::a.b.c.d (deprecated)
  if ((g[0]! & 0xfe00) === 0xfc00) return 'private';
  if ((g[0]! & 0xffc0) === 0xfe80) return 'link-local';
  if ((g[0]! & 0xff00) === 0xff00) return 'multicast';
  if (g[0] === 0x2001 && g[1] === 0xdb8) return 'reserved';
  return 'public';
}

/** Classifies an IP address (v4 dotted quad or v6, brackets allowed); undefined for a non-IP. */
export function classifyAddress(ip: string): AddressClass | undefined {
  const bare = ip.replace(/^\[|\]$/g, '');
  const kind = net.isIP(bare);
  if (kind === 4) return classifyV4(bare);
  if (kind === 6) return classifyV6(bare);
  return undefined;
}

/** Host names that always mean "this machine" or an internal zone. */
export function isLocalName(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost') || h === 'localhost.localdomain'
    || h.endsWith('.local') || h.endsWith('.internal') || h === 'metadata';
}
