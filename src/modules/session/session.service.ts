import type { EntityManager } from '@mikro-orm/postgresql';
import type { KeysetCursor } from '../../db/keyset.js';
import { recordEvent } from '../../events/outbox.js';
import type { LogoutNotifier } from '../../protocol/ports.js';
import type { RequestContext } from '../../shared/request-context.js';

/** A browser session as the graph shows it (no token hash). */
export interface SessionView {
  id: string;
  subject: string;
  ip: string | null;
  userAgent: string | null;
  authTime: Date;
  amr: string[];
  createdAt: Date;
  lastActiveAt: Date;
  expiresAt: Date;
}

interface SessionRow {
  id: string; subject: string; ip: string | null; user_agent: string | null; auth_time: Date; amr: string[];
  created_at: Date; last_active_at: Date; expires_at: Date;
}

const toView = (r: SessionRow): SessionView => ({
  id: r.id, subject: r.subject, ip: r.ip, userAgent: r.user_agent, authTime: new Date(r.auth_time), amr: r.amr ?? [],
  createdAt: new Date(r.created_at), lastActiveAt: new Date(r.last_active_at), expiresAt: new Date(r.expires_at),
});

const COLUMNS = 'id, subject, ip, user_agent, auth_time, amr, created_at, last_active_at, expires_at';
const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

export interface EndedSession {
  id: string;
  subject: string;
}

/**
 * Live browser sessions (not ended, not expired) for the graph, and ending them. Ending records
 * Session.Ended in the caller's transaction; the back-channel logout is queued after the commit
 * (`notifyEnded`), so a rolled-back change never logs anyone out.
 */
export class SessionService {
  constructor(private readonly deps: { logout: LogoutNotifier }) {}

  /**
   * The newest live sessions of each subject (at most `limit` each, after the keyset cursor
   * when given), in one statement whatever the number of subjects.
   */
  async liveSessionsOf(ctx: RequestContext, subjects: readonly string[], limit: number, after: KeysetCursor | null): Promise<Map<string, SessionView[]>> {
    const out = new Map<string, SessionView[]>(subjects.map((s) => [s, []]));
    if (!subjects.length || limit <= 0) return out;
    const params: unknown[] = [ctx.tenant.id, ...subjects];
    let keyset = '';
    if (after) {
      keyset = ' and (created_at, id) < (?, ?)';
      params.push(new Date(after.value), after.id);
    }
    params.push(limit);
    const rows = await ctx.em.getConnection().execute<SessionRow[]>(
      `select ${COLUMNS} from (
         select ${COLUMNS}, row_number() over (partition by subject order by created_at desc, id desc) as rn
         from browser_session
         where tenant_id = ? and subject in (${placeholders(subjects.length)}) and ended_at is null and expires_at > now()${keyset}
       ) s where rn <= ? order by subject, created_at desc, id desc`,
      params, 'all', ctx.em.getTransactionContext(),
    );
    for (const r of rows) out.get(r.subject)?.push(toView(r));
    return out;
  }

  async findLive(ctx: RequestContext, id: string): Promise<SessionView | null> {
    const rows = await ctx.em.getConnection().execute<SessionRow[]>(
      `select ${COLUMNS} from browser_session where tenant_id = ? and id = ? and ended_at is null and expires_at > now()`,
      [ctx.tenant.id, id], 'all', ctx.em.getTransactionContext(),
    );
    return rows[0] ? toView(rows[0]) : null;
  }

  /**
   * Ends the live sessions with these ids or of these subjects, in `tx`'s transaction, and
   * records one Session.Ended per session. `scrub` also blanks IP and user agent of every
   * session of the subjects, live or not (user deletion). `userIdFor` maps a subject to the id
   * the event should name (an opaque one for deleted users).
   */
  async endSessions(ctx: RequestContext, tx: EntityManager, where: { ids?: readonly string[]; subjects?: readonly string[] }, reason: string,
    opts: { scrub?: boolean; userIdFor?: (subject: string) => string } = {}): Promise<EndedSession[]> {
    const ids = where.ids ?? [];
    const subjects = where.subjects ?? [];
    if (!ids.length && !subjects.length) return [];
    const conds: string[] = [];
    const params: unknown[] = [];
    if (ids.length) { conds.push(`id in (${placeholders(ids.length)})`); params.push(...ids); }
    if (subjects.length) { conds.push(`subject in (${placeholders(subjects.length)})`); params.push(...subjects); }
    const match = `tenant_id = ? and (${conds.join(' or ')})`;
    const now = new Date();
    const rows = await tx.getConnection().execute<Array<{ id: string; subject: string; was_live: boolean }>>(
      `with live as (select id from browser_session where ${match} and ended_at is null and expires_at > ?)
       update browser_session b set ended_at = coalesce(b.ended_at, ?)${opts.scrub ? ', ip = null, user_agent = null' : ''}
       where ${match}${opts.scrub ? '' : ' and b.ended_at is null and b.expires_at > ?'}
       returning b.id, b.subject, b.id in (select id from live) as was_live`,
      [ctx.tenant.id, ...params, now, now, ctx.tenant.id, ...params, ...(opts.scrub ? [] : [now])], 'all', tx.getTransactionContext(),
    );
    const ended = rows.filter((r) => r.was_live).map((r) => ({ id: r.id, subject: r.subject }));
    for (const s of ended) {
      const userId = opts.userIdFor ? opts.userIdFor(s.subject) : s.subject;
      recordEvent(tx, {
        tenantId: ctx.tenant.id, type: 'Session.Ended', actor: ctx.actor, requestId: ctx.requestId,
        target: { type: 'User', id: userId }, payload: { userId, sessionId: s.id, reason },
      });
    }
    return ended;
  }

  /** Queues Back-Channel Logout for ended sessions (after the commit). Failures are logged, not thrown. */
  async notifyEnded(ctx: RequestContext, ended: readonly EndedSession[]): Promise<void> {
    for (const s of ended) {
      try {
        await this.deps.logout.backchannelLogout(ctx.tenant.id, { sid: s.id, subject: s.subject });
      } catch (err) {
        ctx.log.warn({ err: (err as Error).message, sessionId: s.id }, 'back-channel logout could not be queued');
      }
    }
  }
}
