import type { IssuerRecord } from './ports.js';

/** A framework-neutral view of an HTTP request to an issuer's endpoint. */
export interface OAuthRequest {
  issuer: string;
  tenant: IssuerRecord;
  method: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Parsed application/x-www-form-urlencoded body; repeated parameters keep every value. */
  body: Readonly<Record<string, string | string[]>>;
  contentType: string | undefined;
}

export interface OAuthResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export function issuerUrl(publicUrl: string, slug: string): string {
  return `${publicUrl}/t/${slug}`;
}
