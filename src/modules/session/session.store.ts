import type { MikroORM } from '@mikro-orm/postgresql';
import { TEXT_ARRAY_PARAM, type SqlFragment } from '../../db/sql.js';
import { OUTBOX_NOTIFY_SELECT } from '../../events/outbox.js';
import { randomToken, uuid } from '../../crypto/random.js';
import { sha256Hex } from '../../crypto/secrets.js';
import { hotSql, TENANT_IS } from '../../db/hot-sql.js';
import { tenantEm } from '../../db/tenant-em.js';
import type { SessionRecord, SessionStore } from '../../protocol/ports.js';
import { BrowserSession } from './browser-session.entity.js';

interface SessionRow { id: string; subject: string; auth_time: string | Date; acr: string | null; amr: string[] | null }
const fromRow = (r: SessionRow): SessionRecord => ({
  id: r.id, subject: r.subject, authTime: Math.floor(new Date(r.auth_time).getTime() / 1000), acr: r.acr, amr: r.amr ?? [],
});

/** SessionStore: browser SSO sessions, found by the SHA-256 of their cookie token. */
export class BrowserSessionStore implements SessionStore {
  constructor(private readonly orm: MikroORM) {}

  async findByToken(tenantId: string, token: string): Promise<SessionRecord | undefined> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
    // One statement: find the live session and mark it active.
    const rows = await hotSql(this.orm).execute<SessionRow[]>(
      `update browser_session set last_active_at = now() where ${TENANT_IS} and token_hash = ? and ended_at is null and expires_at > now()
       returning id, subject, auth_time, acr, amr`, [tenantId, sha256Hex(token)], 'all');
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  async create(tenantId: string, input: Parameters<SessionStore['create']>[1]): Promise<{ session: SessionRecord; token: string }> {
    return this.createRecorded(tenantId, input, null);
  }

  /**
   * Creates a session and, in the same statement, writes `also` (data-modifying CTE members such as
   * the sign-in's event row) and wakes the outbox relay: one round trip on the sign-in hot path.
   */
  async createRecorded(tenantId: string, input: Parameters<SessionStore['create']>[1], also: { build: (sessionId: string) => SqlFragment[] } | null): Promise<{ session: SessionRecord; token: string }> {
    const token = randomToken(32);
    const id = uuid();
    const now = Date.now();
    const insert = `insert into browser_session (id, tenant_id, token_hash, subject, auth_time, acr, amr, ip, user_agent, created_at, last_active_at, expires_at, ended_at, clients)
       values (?, ?, ?, ?, ?, ?, ${TEXT_ARRAY_PARAM}, ?, ?, now(), now(), ?, null, ${TEXT_ARRAY_PARAM})`;
    const params: unknown[] = [id, tenantId, sha256Hex(token), input.subject, new Date(input.authTime * 1000), input.acr, JSON.stringify(input.amr),
      input.ip?.slice(0, 64) ?? null, input.userAgent?.slice(0, 300) ?? null, new Date(now + input.ttlSeconds * 1000), JSON.stringify(input.clients ?? [])];
    const conn = hotSql(this.orm);
    const extra = also?.build(id) ?? [];
    if (!extra.length) {
      await conn.execute(insert, params, 'run');
    } else {
      const ctes = [`s as (${insert})`, ...extra.map((f, i) => `x${i} as (${f.sql})`)];
      await conn.execute(`with ${ctes.join(', ')} ${OUTBOX_NOTIFY_SELECT}`, [...params, ...extra.flatMap((f) => f.params)], 'all');
    }
    return { session: { id, subject: input.subject, authTime: input.authTime, acr: input.acr, amr: input.amr }, token };
  }

  async end(tenantId: string, sessionId: string): Promise<SessionRecord | undefined> {
    const rows = await hotSql(this.orm).execute<SessionRow[]>(
      `update browser_session set ended_at = now() where ${TENANT_IS} and id = ? and ended_at is null returning id, subject, auth_time, acr, amr`,
      [tenantId, sessionId], 'all');
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  async endByToken(tenantId: string, token: string): Promise<{ id: string; subject: string } | undefined> {
    const rows = await hotSql(this.orm).execute<{ id: string; subject: string }[]>(
      `update browser_session set ended_at = now() where ${TENANT_IS} and token_hash = ? and ended_at is null and expires_at > now() returning id, subject`,
      [tenantId, sha256Hex(token)], 'all');
    return rows[0];
  }

  async addParticipant(tenantId: string, sessionId: string, clientId: string): Promise<void> {
    await hotSql(this.orm).execute(
      `update browser_session set clients = array_append(clients, ?) where id = ? and ${TENANT_IS} and not (? = any(clients))`,
      [clientId, sessionId, tenantId, clientId], 'run',
    );
  }

  async participants(tenantId: string, sessionId: string): Promise<string[]> {
    const s = await tenantEm(this.orm, tenantId).findOne(BrowserSession, { id: sessionId, tenant: tenantId });
    return s?.clients ?? [];
  }
}
