import { describe, expect, it } from 'vitest';
import { decodeGlobalId, encodeGlobalId, uuidOf } from '../../../../src/graph/node/global-id.js';

const UUID = '3f1c2a6e-9b4d-4c1e-8f2a-0b5d6e7f8a9b';

describe('global node ids (graph/node/global-id)', () => {
  it('round-trips type and uuid through an opaque, versioned id', () => {
    const id = encodeGlobalId('Tenant', UUID);
    expect(id.startsWith('S1')).toBe(true);
    expect(id).not.toContain(UUID);
    expect(id).not.toContain('Tenant');
    expect(decodeGlobalId(id)).toEqual({ type: 'Tenant', uuid: UUID });
    expect(uuidOf(id, 'Tenant')).toBe(UUID);
  });

  it('distinguishes types: the same uuid gives different ids, and uuidOf checks the type', () => {
    const tenant = encodeGlobalId('Tenant', UUID);
    const client = encodeGlobalId('Client', UUID);
    expect(tenant).not.toBe(client);
    expect(uuidOf(client, 'Tenant')).toBeNull();
    expect(uuidOf(tenant, 'Client')).toBeNull();
  });

  it('never decodes a single-character tampering to the original value', () => {
    const id = encodeGlobalId('Tenant', UUID);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/.';
    let nulls = 0;
    for (let i = 0; i < id.length; i++) {
      for (const ch of alphabet) {
        if (ch === id[i]) continue;
        const tampered = id.slice(0, i) + ch + id.slice(i + 1);
        const d = decodeGlobalId(tampered);
        if (d === null) nulls++;
        else expect(d).not.toEqual({ type: 'Tenant', uuid: UUID });
      }
    }
    expect(nulls).toBeGreaterThan(0);
  });

  it('returns null for tampered ids', () => {
    const id = encodeGlobalId('Tenant', UUID);
    expect(decodeGlobalId(`${id}A`)).toBeNull();
    expect(decodeGlobalId(`${id}=`)).toBeNull();
    expect(decodeGlobalId(id.slice(0, -1))).toBeNull();
    expect(decodeGlobalId(`S2${id.slice(2)}`)).toBeNull();
    expect(decodeGlobalId(`s1${id.slice(2)}`)).toBeNull();
  });

  it('returns null for foreign id formats', () => {
    expect(decodeGlobalId(UUID)).toBeNull();
    expect(decodeGlobalId(Buffer.from(`Tenant:${UUID}`).toString('base64url'))).toBeNull();
    expect(decodeGlobalId(Buffer.from(`Tenant:${UUID}`).toString('base64'))).toBeNull();
    expect(decodeGlobalId(`gid://signet/Tenant/${UUID}`)).toBeNull();
    // GitHub-style legacy encoding of "<n>:<Type><id>".
    expect(decodeGlobalId(Buffer.from(`06:Tenant${UUID}`).toString('base64'))).toBeNull();
  });

  it('returns null for well-formed encodings of invalid content', () => {
    const enc = (raw: string) => `S1${Buffer.from(raw).toString('base64url')}`;
    expect(decodeGlobalId(enc(`Tenant:${UUID.toUpperCase()}`))).toBeNull();
    expect(decodeGlobalId(enc(`Tenant:not-a-uuid`))).toBeNull();
    expect(decodeGlobalId(enc(`:${UUID}`))).toBeNull();
    expect(decodeGlobalId(enc(`Ten4nt:${UUID}`))).toBeNull();
    expect(decodeGlobalId(enc(`Tenant ${UUID}`))).toBeNull();
    expect(decodeGlobalId(enc(`Tenant:${UUID}:extra`))).toBeNull();
    expect(decodeGlobalId(enc(`Tenant:${UUID}\u0000`))).toBeNull();
  });

  it('returns null for garbage', () => {
    for (const g of ['', 'S1', 'S1!!!', 'x', '💥', 'S1' + 'A'.repeat(300), 'null', 'S1%00']) {
      expect(decodeGlobalId(g)).toBeNull();
    }
    expect(decodeGlobalId(undefined as unknown as string)).toBeNull();
    expect(decodeGlobalId(42 as unknown as string)).toBeNull();
    expect(uuidOf('garbage', 'Tenant')).toBeNull();
  });
});
