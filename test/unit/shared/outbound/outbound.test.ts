import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_OUTBOUND_POLICY, OutboundFailed, OutboundRefused, checkUrl, classifyAddress, outboundRequest, resolvePinned, type OutboundPolicy,
} from '../../../../src/shared/outbound/index.js';

const strict = { allowLoopback: false };
const loopbackOk = { allowLoopback: true };
const policy: OutboundPolicy = { ...DEFAULT_OUTBOUND_POLICY };

function refusal(url: string, p: OutboundPolicy = policy, s = strict): string {
  try {
    checkUrl(url, p, s);
    return 'allowed';
  } catch (err) {
    if (err instanceof OutboundRefused) return `${err.reason}: ${err.message}`;
    throw err;
  }
}

describe('SSRF guard: address classification', () => {
  it.each([
    ['127.0.0.1', 'loopback'], ['127.255.0.9', 'loopback'], ['0.0.0.0', 'loopback'], ['::1', 'loopback'], ['::', 'loopback'],
    ['10.1.2.3', 'private'], ['172.16.0.1', 'private'], ['172.31.255.255', 'private'], ['192.168.1.1', 'private'], ['100.64.0.1', 'private'], ['fd12::1', 'private'],
    ['169.254.1.1', 'link-local'], ['fe80::1', 'link-local'],
    ['224.0.0.1', 'multicast'], ['ff02::1', 'multicast'],
    ['169.254.169.254', 'metadata'], ['100.100.100.200', 'metadata'], ['fd00:ec2::254', 'metadata'],
    ['::ffff:127.0.0.1', 'loopback'], ['::ffff:7f00:1', 'loopback'], ['::ffff:a9fe:a9fe', 'metadata'], ['::ffff:10.0.0.1', 'private'],
    ['64:ff9b::7f00:1', 'loopback'], ['2002:c0a8:0101::1', 'private'],
    ['8.8.8.8', 'public'], ['2606:4700::1111', 'public'], ['172.32.0.1', 'public'],
  ])('%s is %s', (ip, cls) => {
    expect(classifyAddress(ip)).toBe(cls);
  });
  it('is undefined for names', () => {
    expect(classifyAddress('hooks.example.test')).toBeUndefined();
  });
});

describe('SSRF guard: URL checks', () => {
  it.each([
    'http://127.0.0.1/', 'http://2130706433/', 'http://0x7f.1/', 'http://017700000001/', 'http://0177.0.0.1/', 'http://127.1/',
    'http://[::ffff:127.0.0.1]/', 'http://[0:0:0:0:0:ffff:7f00:1]/', 'http://[::1]/',
  ])('refuses loopback spelled %s', (url) => {
    expect(refusal(url)).toMatch(/^address: address .* is loopback and may not be called$/);
  });
  it('refuses metadata, private, link-local and multicast literals', () => {
    expect(refusal('http://169.254.169.254/latest/meta-data')).toBe('address: address 169.254.169.254 is metadata and may not be called');
    expect(refusal('http://[::ffff:169.254.169.254]/')).toBe('address: address ::ffff:a9fe:a9fe is metadata and may not be called');
    expect(refusal('http://10.0.0.1/')).toBe('address: address 10.0.0.1 is private and may not be called');
    expect(refusal('http://169.254.3.4/')).toBe('address: address 169.254.3.4 is link-local and may not be called');
    expect(refusal('http://224.0.0.1/')).toBe('address: address 224.0.0.1 is multicast and may not be called');
  });
  it('refuses metadata even when loopback and private addresses are allowed', () => {
    expect(refusal('http://169.254.169.254/', { ...policy, blockPrivateIps: false, blockLinkLocalIps: false }, loopbackOk)).toMatch(/^address: .* is metadata/);
  });
  it('refuses other schemes, ports, credentials and local names', () => {
    expect(refusal('ftp://hooks.example.test/')).toBe('scheme: scheme "ftp" is not allowed (http or https only)');
    expect(refusal('http://hooks.example.test/', { ...policy, allowedSchemes: ['https'] })).toBe('scheme: scheme "http" is not allowed by the outbound policy');
    expect(refusal('https://hooks.example.test:22/')).toBe('port: port 22 is not allowed by the outbound policy');
    expect(refusal('https://user:pw@hooks.example.test/')).toBe('credentials: url must not contain credentials');
    expect(refusal('https://localhost/')).toBe('localhost_name: host "localhost" is a local name and may not be called');
    expect(refusal('https://metadata.google.internal/')).toBe('localhost_name: host "metadata.google.internal" is a local name and may not be called');
    expect(refusal('not a url')).toBe('url_invalid: url is not a valid absolute URL');
  });
  it('applies host and path patterns', () => {
    const p = { ...policy, allowedHostPatterns: ['*.example.test'], allowedPathPatterns: ['/hooks/*'] };
    expect(refusal('https://a.example.test/hooks/1', p)).toBe('allowed');
    expect(refusal('https://example.test/hooks/1', p)).toBe('host_pattern: host "example.test" matches none of the allowed host patterns');
    expect(refusal('https://a.example.test.evil.test/hooks/1', p)).toBe('host_pattern: host "a.example.test.evil.test" matches none of the allowed host patterns');
    expect(refusal('https://a.example.test/other', p)).toBe('path_pattern: path "/other" matches none of the allowed path patterns');
  });
  it('allows loopback on any port only with the explicit setting', () => {
    expect(refusal('http://127.0.0.1:1234/', policy, loopbackOk)).toBe('allowed');
    expect(refusal('http://localhost:1234/', policy, loopbackOk)).toBe('allowed');
    expect(refusal('http://10.0.0.1/', policy, loopbackOk)).toBe('address: address 10.0.0.1 is private and may not be called');
  });
  it('refuses a name that resolves to loopback (checked at connection time)', async () => {
    await expect(resolvePinned('localhost', policy, strict)).rejects.toThrow(/^host "localhost" resolves to a loopback address and may not be called$/);
  });
});

describe('SSRF guard: requests', () => {
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/redirect') { res.writeHead(302, { location: 'http://169.254.169.254/' }); res.end(); return; }
      if (req.url === '/big') { res.writeHead(200); res.end(Buffer.alloc(10_000, 97)); return; }
      if (req.url === '/slow') { setTimeout(() => { res.writeHead(200); res.end('late'); }, 3000); return; }
      let body = '';
      req.on('data', (c: Buffer) => { body += c.toString(); });
      req.on('end', () => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end(`echo:${body}`); });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('refuses loopback without the setting, before connecting', async () => {
    await expect(outboundRequest({ url: `${base}/`, policy, settings: strict })).rejects.toThrow(OutboundRefused);
  });
  it('posts and reads the response, pinned to the checked address', async () => {
    const r = await outboundRequest({ url: `${base}/`, method: 'POST', body: 'hi', policy, settings: loopbackOk });
    expect(r.status).toBe(200);
    expect(r.body.toString()).toBe('echo:hi');
    expect(r.address).toBe('127.0.0.1');
  });
  it('does not follow redirects', async () => {
    const r = await outboundRequest({ url: `${base}/redirect`, policy, settings: loopbackOk });
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe('http://169.254.169.254/');
  });
  it('caps the response size', async () => {
    const r = await outboundRequest({ url: `${base}/big`, policy: { ...policy, maxResponseBytes: 1024 }, settings: loopbackOk });
    expect(r.body.length).toBe(1024);
    expect(r.truncated).toBe(true);
  });
  it('caps the time', async () => {
    const err = await outboundRequest({ url: `${base}/slow`, policy, settings: loopbackOk, timeoutMs: 200 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutboundFailed);
    expect((err as OutboundFailed).message).toBe('no complete response within 200 ms');
  });
});
