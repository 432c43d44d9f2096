import type { MikroORM } from '@mikro-orm/postgresql';
import { tenantEm } from '../../db/tenant-em.js';
import { TtlCache } from '../../shared/ttl-cache.js';
import type { PermissionStore } from '../../protocol/ports.js';
import type { RbacService } from '../rbac/index.js';
import { Role } from '../rbac/index.js';
import { OrganizationMember, OrganizationMemberRole } from './organization.entity.js';
import { UUID } from '../../shared/text.js';


/** PermissionStore: API permissions and organization memberships for token issuance. */
export class OrganizationPermissionStore implements PermissionStore {
  /** Which scopes an audience defines, per tenant: read on every token, changed rarely (5 s staleness). */
  private readonly defined = new TtlCache<string[] | undefined>(5_000);

  constructor(private readonly orm: MikroORM, private readonly rbac: RbacService) {}

  async apiPermissions(tenantId: string, subject: string, audience: string, organizationId: string | null): Promise<{ defined: string[]; held: string[] } | undefined> {
    const em = tenantEm(this.orm, tenantId);
    const defined = await this.defined.get(`${tenantId} ${audience}`, () => this.rbac.apiScopes(em, audience));
    if (!defined) return undefined;
    if (!UUID.test(subject)) return { defined, held: [] };
    const held = await this.rbac.effective(em, subject, { audience, organizationId });
    return { defined, held: [...new Set(held.map((h) => h.permission.scope))] };
  }

  async organizationMembership(tenantId: string, subject: string, organizationId: string): Promise<{ organizationId: string; roles: string[] } | undefined> {
    if (!UUID.test(subject) || !UUID.test(organizationId)) return undefined;
    const em = tenantEm(this.orm, tenantId);
    const m = await em.findOne(OrganizationMember, { organization: organizationId, user: subject });
    if (!m) return undefined;
    const links = await em.find(OrganizationMemberRole, { member: m.id });
    const roles = links.length ? await em.find(Role, { id: { $in: links.map((l) => l.role) } }, { orderBy: { name: 'ASC' } }) : [];
    return { organizationId, roles: roles.map((r) => r.name) };
  }
}
