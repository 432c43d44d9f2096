import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { uuid } from '../../crypto/random.js';
import { keysetPage, type Page, type PageRequest } from '../../db/keyset.js';
import { notifyOutbox, recordEvent } from '../../events/outbox.js';
import { assertThat } from '../../shared/domain-error.js';
import { hasControlChars } from '../../shared/text.js';
import { PASSWORD_CLASSES } from '../../shared/password-policy.js';
import { TENANT_MANAGEMENT_SCOPES } from '../../shared/management-scopes.js';
import { isPlatformAdmin, LoaderCache, type RequestContext, type TenantRef } from '../../shared/request-context.js';
import { tenantEm } from '../../db/tenant-em.js';
import type { ClientService } from '../client/index.js';
import type { SigningKeyService } from '../signing-key/index.js';
import { Tenant } from './tenant.entity.js';
import { TenantError, TenantErrorCode } from './tenant.errors.js';

export const SYSTEM_TENANT_SLUG = 'system';
type TokenTtlField = 'accessTokenTtl' | 'idTokenTtl' | 'refreshTokenTtl' | 'refreshTokenIdleTtl';
/** DNS-label-like: lowercase letters, digits and inner hyphens, 2-63 characters. */
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])$/;

export interface TenantCreateInput {
  slug: string;
  name: string;
  createManagementClient?: boolean | null;
}

export interface TenantUpdateInput {
  name?: string | null;
}

type AuthnSettingField = 'mfaMethods' | 'mfaPolicy' | 'mfaRequiredRoles' | 'adaptiveMfa' | 'registrationSteps' | 'termsUrl' | 'recoveryRevokesSessions' | 'lockoutThreshold' | 'webauthnRpId' | 'webauthnOrigins';

export interface TenantSettingsInput {
  sessionTtl?: number | null;
  accessTokenTtl?: number | null;
  idTokenTtl?: number | null;
  refreshTokenTtl?: number | null;
  refreshTokenIdleTtl?: number | null;
  passwordMinLength?: number | null;
  passwordRequireClasses?: string[] | null;
  selfRegistration?: boolean | null;
  authenticationMethods?: string[] | null;
  mfaMethods?: string[] | null;
  mfaPolicy?: 'optional' | 'required' | null;
  mfaRequiredRoles?: string[] | null;
  adaptiveMfa?: boolean | null;
  registrationSteps?: Partial<Record<RegistrationStep, StepMode>> | null;
  termsUrl?: string | null;
  recoveryRevokesSessions?: boolean | null;
  lockoutThreshold?: number | null;
  webauthnRpId?: string | null;
  webauthnOrigins?: string[] | null;
}

/** First factors a tenant can allow (authn engine: src/modules/authn). */
export const AUTHENTICATION_METHODS = ['password', 'email_otp', 'magic_link', 'phone_otp', 'passkey', 'anonymous'] as const;
/** Second factors a tenant can allow. */
export const MFA_METHODS = ['totp', 'recovery_code', 'passkey', 'email_otp', 'phone_otp'] as const;
/** Self-registration steps, in the order the sign-up page walks them. */
export const REGISTRATION_STEPS = ['email_verification', 'terms', 'profile', 'phone_verification', 'credentials'] as const;
export type RegistrationStep = (typeof REGISTRATION_STEPS)[number];
export type StepMode = 'required' | 'optional' | 'hidden';

export interface TenantCreated {
  tenant: Tenant;
  managementClient?: { clientId: string; clientSecret: string };
}

export type TenantOrderField = 'createdAt' | 'slug';

export class TenantService {
  constructor(
    private readonly deps: {
      signingKeys: SigningKeyService;
      clients: ClientService;
      systemTenantId: () => string;
      /** Called after a tenant changed or was deleted, so process-local caches drop it. */
      onChanged: (tenant: { id: string; slug: string }) => void;
      /** After a tenant is committed: provisions what every tenant starts with (management API, admin role). */
      onCreated?: (ctx: RequestContext, tenant: TenantRef) => Promise<void>;
    },
  ) {}

  private canSee(ctx: RequestContext, tenantId: string): boolean {
    return tenantId === ctx.tenant.id || isPlatformAdmin(ctx, this.deps.systemTenantId());
  }

  async findById(ctx: RequestContext, id: string): Promise<Tenant | null> {
    if (!this.canSee(ctx, id)) return null;
    return ctx.em.findOne(Tenant, { id });
  }

  async findBySlug(ctx: RequestContext, slug: string): Promise<Tenant | null> {
    if (!SLUG_PATTERN.test(slug)) return null;
    const t = await ctx.em.findOne(Tenant, { slug });
    return t && this.canSee(ctx, t.id) ? t : null;
  }

  async current(ctx: RequestContext): Promise<Tenant> {
    return ctx.em.findOneOrFail(Tenant, { id: ctx.tenant.id });
  }

  /** Platform operators only (the resolver checks the scope). */
  list(ctx: RequestContext, order: { field: TenantOrderField; direction: 'ASC' | 'DESC' }, page: PageRequest): Promise<Page<Tenant>> {
    return keysetPage<Tenant>(ctx.em, Tenant, {}, {
      field: order.field, direction: order.direction,
      toValue: (t) => (order.field === 'slug' ? t.slug : t.createdAt.toISOString()),
      parse: (v) => (order.field === 'slug' ? v : new Date(v)),
    }, page);
  }

  count(ctx: RequestContext): Promise<number> {
    return ctx.em.count(Tenant, {});
  }

  /** Emits Tenant.Created (in the actor's tenant). */
  async create(ctx: RequestContext, input: TenantCreateInput): Promise<TenantCreated> {
    const slug = input.slug.trim();
    const name = input.name.trim();
    assertThat(SLUG_PATTERN.test(slug), () => new TenantError(TenantErrorCode.SLUG_INVALID,
      'slug must be 2-63 lowercase letters, digits or inner hyphens', ['input', 'slug']));
    assertThat(name.length >= 1 && name.length <= 200 && !hasControlChars(name), () => new TenantError(TenantErrorCode.NAME_INVALID,
      'name must be 1-200 characters without control characters', ['input', 'name']));
    const em = ctx.em.fork({ clear: false }) as EntityManager;
    const taken = await em.findOne(Tenant, { slug });
    assertThat(!taken, () => new TenantError(TenantErrorCode.SLUG_TAKEN, `slug "${slug}" is already taken`, ['input', 'slug']));
    const tenant = em.create(Tenant, { id: uuid(), slug, name, isSystem: false });
    await this.deps.signingKeys.createInitialKeys(em, tenant.id);
    let managementClient: TenantCreated['managementClient'];
    if (input.createManagementClient ?? true) {
      const created = await this.deps.clients.createManagementClient(em, {
        tenantId: tenant.id, name: `${name} management`, scopes: TENANT_MANAGEMENT_SCOPES,
      });
      managementClient = { clientId: created.client.clientId, clientSecret: created.plaintextSecret };
    }
    recordEvent(em, {
      tenantId: ctx.tenant.id, type: 'Tenant.Created', actor: ctx.actor, requestId: ctx.requestId,
      target: { type: 'Tenant', id: tenant.id }, payload: { slug, name },
    });
    try {
      await em.flush();
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) {
        throw new TenantError(TenantErrorCode.SLUG_TAKEN, `slug "${slug}" is already taken`, ['input', 'slug']);
      }
      throw err;
    }
    await notifyOutbox(em);
    if (this.deps.onCreated) {
      // A unit of work inside the new tenant, acting as the creator.
      const tenantCtx: RequestContext = {
        requestId: ctx.requestId, tenant: { id: tenant.id, slug, name, isSystem: false }, actor: ctx.actor, scopes: ctx.scopes,
        credential: ctx.credential, em: tenantEm(ctx.em, tenant.id), loaders: new LoaderCache(), services: ctx.services, log: ctx.log,
      };
      await this.deps.onCreated(tenantCtx, tenantCtx.tenant);
    }
    return { tenant, managementClient };
  }

  /** Emits Tenant.Updated with the changed fields before and after. */
  async update(ctx: RequestContext, id: string, input: TenantUpdateInput): Promise<Tenant> {
    const em = ctx.em.fork({ clear: false }) as EntityManager;
    const tenant = this.canSee(ctx, id) ? await em.findOne(Tenant, { id }) : null;
    assertThat(tenant, () => new TenantError(TenantErrorCode.NOT_FOUND, 'tenant not found', ['id']));
    const changes: Record<string, { before: unknown; after: unknown }> = {};
    if (input.name != null) {
      const name = input.name.trim();
      assertThat(name.length >= 1 && name.length <= 200 && !hasControlChars(name), () => new TenantError(TenantErrorCode.NAME_INVALID,
        'name must be 1-200 characters without control characters', ['input', 'name']));
      if (name !== tenant.name) changes.name = { before: tenant.name, after: name };
      tenant.name = name;
    }
    if (Object.keys(changes).length) {
      recordEvent(em, {
        tenantId: tenant.id, type: 'Tenant.Updated', actor: ctx.actor, requestId: ctx.requestId,
        target: { type: 'Tenant', id: tenant.id }, payload: { changes },
      });
      await em.flush();
      await notifyOutbox(em);
      this.deps.onChanged(tenant);
    }
    return tenant;
  }

  /**
   * Changes the current tenant's session lifetime, password policy, self-registration and allowed
   * authentication methods. Emits Tenant.Updated with the changed settings before and after.
   */
  async updateSettings(ctx: RequestContext, input: TenantSettingsInput): Promise<Tenant> {
    const em = ctx.em.fork({ clear: false }) as EntityManager;
    const tenant = await em.findOneOrFail(Tenant, { id: ctx.tenant.id });
    const invalid = (field: string, message: string) => new TenantError(TenantErrorCode.SETTING_INVALID, message, ['input', field]);
    const changes: Record<string, { before: unknown; after: unknown }> = {};
    const set = <K extends 'sessionTtl' | 'passwordMinLength' | 'passwordRequireClasses' | 'selfRegistration' | 'authMethods' | TokenTtlField | AuthnSettingField>(key: K, value: Tenant[K]) => {
      if (JSON.stringify(tenant[key]) === JSON.stringify(value)) return;
      changes[key] = { before: tenant[key], after: value };
      tenant[key] = value;
    };
    if (input.sessionTtl != null) {
      assertThat(Number.isInteger(input.sessionTtl) && input.sessionTtl >= 300 && input.sessionTtl <= 31_536_000, () => invalid('sessionTtl', 'sessionTtl must be 300-31536000 seconds'));
      set('sessionTtl', input.sessionTtl);
    }
    const ttlLimits: Record<TokenTtlField, [number, number]> = {
      accessTokenTtl: [60, 86_400], idTokenTtl: [60, 86_400], refreshTokenTtl: [300, 31_536_000], refreshTokenIdleTtl: [300, 31_536_000],
    };
    for (const field of Object.keys(ttlLimits) as TokenTtlField[]) {
      const v = input[field];
      if (v == null) continue;
      const [min, max] = ttlLimits[field];
      assertThat(Number.isInteger(v) && v >= min && v <= max, () => invalid(field, `${field} must be ${min}-${max} seconds`));
      set(field, v);
    }
    if (input.passwordMinLength != null) {
      assertThat(Number.isInteger(input.passwordMinLength) && input.passwordMinLength >= 8 && input.passwordMinLength <= 128, () => invalid('passwordMinLength', 'passwordMinLength must be 8-128'));
      set('passwordMinLength', input.passwordMinLength);
    }
    if (input.passwordRequireClasses != null) {
      const bad = input.passwordRequireClasses.find((c) => !(c in PASSWORD_CLASSES));
      assertThat(!bad, () => invalid('passwordRequireClasses', `unknown character class "${bad?.slice(0, 20)}" (expected ${Object.keys(PASSWORD_CLASSES).join(', ')})`));
      set('passwordRequireClasses', [...new Set(input.passwordRequireClasses)].sort());
    }
    if (input.selfRegistration != null) set('selfRegistration', input.selfRegistration);
    if (input.authenticationMethods != null) {
      const methods = [...new Set(input.authenticationMethods)];
      const bad = methods.find((m) => !(AUTHENTICATION_METHODS as readonly string[]).includes(m));
      assertThat(!bad, () => invalid('authenticationMethods', `unknown authentication method "${bad?.slice(0, 20)}" (expected ${AUTHENTICATION_METHODS.join(', ')})`));
      assertThat(methods.length > 0, () => invalid('authenticationMethods', 'at least one authentication method must be allowed'));
      set('authMethods', methods);
    }
    this.applyAuthnSettings(input, set, invalid);
    if (Object.keys(changes).length) {
      recordEvent(em, {
        tenantId: tenant.id, type: 'Tenant.Updated', actor: ctx.actor, requestId: ctx.requestId,
        target: { type: 'Tenant', id: tenant.id }, payload: { changes },
      });
      await em.flush();
      await notifyOutbox(em);
      this.deps.onChanged(tenant);
    }
    return tenant;
  }

  private applyAuthnSettings(input: TenantSettingsInput, set: <K extends AuthnSettingField>(key: K, value: Tenant[K]) => void, invalid: (field: string, message: string) => Error): void {
    const list = (field: keyof TenantSettingsInput, allowed: readonly string[], values: string[]): string[] => {
      const unique = [...new Set(values)];
      const bad = unique.find((m) => !allowed.includes(m));
      assertThat(!bad, () => invalid(field, `unknown value "${bad?.slice(0, 20)}" (expected ${allowed.join(', ')})`));
      return unique;
    };
    if (input.mfaMethods != null) set('mfaMethods', list('mfaMethods', MFA_METHODS, input.mfaMethods));
    if (input.mfaPolicy != null) {
      assertThat(input.mfaPolicy === 'optional' || input.mfaPolicy === 'required', () => invalid('mfaPolicy', 'mfaPolicy must be optional or required'));
      set('mfaPolicy', input.mfaPolicy);
    }
    if (input.mfaRequiredRoles != null) {
      assertThat(input.mfaRequiredRoles.length <= 50 && input.mfaRequiredRoles.every((r) => r.length > 0 && r.length <= 100 && !hasControlChars(r)), () => invalid('mfaRequiredRoles', 'mfaRequiredRoles must be at most 50 role names of 1-100 characters'));
      set('mfaRequiredRoles', [...new Set(input.mfaRequiredRoles)]);
    }
    if (input.adaptiveMfa != null) set('adaptiveMfa', input.adaptiveMfa);
    if (input.registrationSteps != null) {
      const steps = { ...this.registrationDefaults(), ...(input.registrationSteps as Record<string, StepMode>) };
      for (const [step, mode] of Object.entries(input.registrationSteps)) {
        assertThat((REGISTRATION_STEPS as readonly string[]).includes(step), () => invalid('registrationSteps', `unknown registration step "${step.slice(0, 30)}"`));
        assertThat(mode === 'required' || mode === 'optional' || mode === 'hidden', () => invalid('registrationSteps', `${step} must be required, optional or hidden`));
      }
      assertThat(steps.email_verification !== 'hidden' || steps.credentials !== 'hidden', () => invalid('registrationSteps', 'email verification and credentials cannot both be hidden: a new account needs a way to sign in'));
      set('registrationSteps', steps);
    }
    if (input.termsUrl !== undefined && input.termsUrl !== null) {
      const url = URL.parse(input.termsUrl);
      assertThat(url && ['https:', 'http:'].includes(url.protocol) && input.termsUrl.length <= 2000, () => invalid('termsUrl', 'termsUrl must be an http(s) URL'));
      set('termsUrl', input.termsUrl);
    }
    if (input.recoveryRevokesSessions != null) set('recoveryRevokesSessions', input.recoveryRevokesSessions);
    if (input.lockoutThreshold != null) {
      assertThat(Number.isInteger(input.lockoutThreshold) && input.lockoutThreshold >= 3 && input.lockoutThreshold <= 100, () => invalid('lockoutThreshold', 'lockoutThreshold must be 3-100'));
      set('lockoutThreshold', input.lockoutThreshold);
    }
    if (input.webauthnRpId != null) {
      assertThat(/^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/.test(input.webauthnRpId), () => invalid('webauthnRpId', 'webauthnRpId must be a domain name (e.g. example.com)'));
      set('webauthnRpId', input.webauthnRpId);
    }
    if (input.webauthnOrigins != null) {
      const bad = input.webauthnOrigins.find((o) => URL.parse(o)?.origin !== o);
      assertThat(!bad, () => invalid('webauthnOrigins', `"${bad?.slice(0, 60)}" is not an origin (scheme://host[:port])`));
      set('webauthnOrigins', [...new Set(input.webauthnOrigins)]);
    }
  }

  private registrationDefaults(): Record<RegistrationStep, StepMode> {
    return { email_verification: 'required', terms: 'hidden', profile: 'optional', phone_verification: 'hidden', credentials: 'required' };
  }

  /** Deletes a tenant and, by cascade, everything it owns. Emits Tenant.Deleted (in the actor's tenant). */
  async delete(ctx: RequestContext, id: string): Promise<string> {
    const em = ctx.em.fork({ clear: false }) as EntityManager;
    const tenant = this.canSee(ctx, id) ? await em.findOne(Tenant, { id }) : null;
    assertThat(tenant, () => new TenantError(TenantErrorCode.NOT_FOUND, 'tenant not found', ['id']));
    assertThat(!tenant.isSystem, () => new TenantError(TenantErrorCode.SYSTEM_TENANT_PROTECTED, 'the system tenant cannot be deleted', ['id']));
    assertThat(tenant.id !== ctx.tenant.id || ctx.actor.tenantId !== tenant.id,
      () => new TenantError(TenantErrorCode.SYSTEM_TENANT_PROTECTED, 'a tenant cannot delete itself', ['id']));
    await em.transactional(async (tx) => {
      recordEvent(tx as EntityManager, {
        tenantId: ctx.actor.tenantId, type: 'Tenant.Deleted', actor: ctx.actor, requestId: ctx.requestId,
        target: { type: 'Tenant', id: tenant.id }, payload: { slug: tenant.slug, name: tenant.name },
      });
      await tx.flush();
      await tx.nativeDelete(Tenant, { id: tenant.id });
    });
    await notifyOutbox(em);
    this.deps.onChanged(tenant);
    return tenant.id;
  }
}
