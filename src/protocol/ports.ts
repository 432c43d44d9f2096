import type { JWK } from '../crypto/keys.js';
import type { SigningKeyHandle } from '../crypto/jwt.js';
import type { SigningAlg } from '../crypto/keys.js';

/**
 * What the protocol layer needs from storage. Modules implement these (the only bridge from
 * protocol/ to the database); implementations must scope every lookup to the given tenant, so a
 * tenant-B identifier looked up under tenant A is indistinguishable from a random string.
 */

export interface IssuerRecord {
  tenantId: string;
  slug: string;
  name: string;
}

export interface IssuerStore {
  /** The tenant whose issuer is `${PUBLIC_URL}/t/{slug}`, or undefined. */
  findBySlug(slug: string): Promise<IssuerRecord | undefined>;
}

export interface ClientRecord {
  tenantId: string;
  clientId: string;
  name: string;
  kind: 'management' | 'application';
  confidential: boolean;
  grantTypes: readonly string[];
  scopes: readonly string[];
  audiences: readonly string[];
  tokenEndpointAuthMethod: string;
  accessTokenTtl: number | null;
  disabled: boolean;
}

export interface ClientStore {
  find(tenantId: string, clientId: string): Promise<ClientRecord | undefined>;
  /** Constant-time check of a presented secret against the client's current secrets. */
  verifySecret(tenantId: string, clientId: string, secret: string): Promise<boolean>;
}

export interface KeyStore {
  /** The tenant's active signing key for `alg`. */
  activeSigningKey(tenantId: string, alg: SigningAlg): Promise<SigningKeyHandle>;
  /** Public keys to publish: active, next and recently retired. */
  publicJwks(tenantId: string): Promise<JWK[]>;
}

export interface ProtocolPorts {
  issuers: IssuerStore;
  clients: ClientStore;
  keys: KeyStore;
}

export interface ProtocolSettings {
  publicUrl: string;
  accessTokenTtlSeconds: number;
  /** The management API's audience, `${PUBLIC_URL}/graphql`. */
  managementAudience: string;
}
