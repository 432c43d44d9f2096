import { GraphQLError } from 'graphql';
import type { KeysetCursor } from '../../db/keyset.js';

/** Opaque keyset cursors: base64url of JSON [sortValue, id]. */
export function encodeCursor(c: KeysetCursor): string {
  return Buffer.from(JSON.stringify([c.value, c.id])).toString('base64url');
}

export function decodeCursor(raw: string | null | undefined, argName: string): KeysetCursor | null {
  if (raw == null) return null;
  try {
    const v = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string') return { value: v[0], id: v[1] };
  } catch { /* fall through */ }
  throw new GraphQLError(`"${argName}" is not a valid cursor`, { extensions: { code: 'BAD_USER_INPUT', argumentName: argName } });
}
