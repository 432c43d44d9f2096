/**
 * Global node IDs: opaque, versioned encodings of (type, uuid). `S1` marks version 1 of the
 * scheme; the rest is base64url("<Type>:<uuid>"). One codec for the whole graph.
 */
import { UUID } from '../../shared/text.js';

export function encodeGlobalId(type: string, uuid: string): string {
  return `S1${Buffer.from(`${type}:${uuid}`).toString('base64url')}`;
}

export function decodeGlobalId(id: string): { type: string; uuid: string } | null {
  if (typeof id !== 'string' || !id.startsWith('S1') || id.length > 200) return null;
  const raw = Buffer.from(id.slice(2), 'base64url').toString('utf8');
  const idx = raw.indexOf(':');
  if (idx <= 0) return null;
  const type = raw.slice(0, idx);
  const uuid = raw.slice(idx + 1);
  if (!/^[A-Za-z]+$/.test(type) || !UUID.test(uuid)) return null;
  if (encodeGlobalId(type, uuid) !== id) return null;
  return { type, uuid };
}

/** The uuid of a global id of the expected type, or null. */
export function uuidOf(id: string, type: string): string | null {
  const d = decodeGlobalId(id);
  return d && d.type === type ? d.uuid : null;
}
