/**
 * PostgreSQL text cannot hold NUL, and identifiers never contain control characters: inputs that
 * do are answered as "not found" / invalid before any query runs (a NUL would otherwise surface
 * as a driver error, i.e. a 500).
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export function isCleanIdentifier(value: string, maxLength: number): boolean {
  return value.length > 0 && value.length <= maxLength && !CONTROL.test(value);
}

export function hasControlChars(value: string): boolean {
  return CONTROL.test(value);
}

/** A UUID as PostgreSQL prints it (lowercase, hyphenated): ids are checked before any query. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
