/**
 * A PostgreSQL storage adapter for oidc-provider, so that the flow and refresh baselines persist
 * what Signet persists (interactions, sessions, grants, codes, refresh tokens) to the same kind
 * of database on the same machine. oidc-provider ships only a development in-memory LRU and asks
 * production deployments to bring an adapter (its `Adapter` interface: upsert, find, findByUid,
 * findByUserCode, consume, destroy, revokeByGrantId); this is a plain one: one table keyed by
 * (model, id), payload as jsonb, durable commits (the server's defaults, as for Signet), one
 * statement per call, a pool of 10 connections (Signet's default pool size).
 */
import pg from 'pg';

interface Payload extends Record<string, unknown> {
  grantId?: string;
  userCode?: string;
  uid?: string;
  consumed?: number;
}

const DDL = `
create table if not exists oidc_payload (
  model text not null,
  id text not null,
  payload jsonb not null,
  grant_id text,
  user_code text,
  uid text,
  expires_at timestamptz,
  consumed_at timestamptz,
  primary key (model, id)
);
create index if not exists oidc_payload_grant on oidc_payload (model, grant_id);
create index if not exists oidc_payload_uid on oidc_payload (model, uid);
create index if not exists oidc_payload_user_code on oidc_payload (model, user_code);
`;

export async function pgAdapterFactory(connectionString: string): Promise<{ adapter: new (model: string) => object; close(): Promise<void> }> {
  const pool = new pg.Pool({ connectionString, max: 10 });
  await pool.query(DDL);

  const row = (r: pg.QueryResult<{ payload: Payload; consumed: number | null }>): Payload | undefined => {
    const first = r.rows[0];
    if (!first) return undefined;
    return first.consumed === null ? first.payload : { ...first.payload, consumed: first.consumed };
  };
  const select = `select payload, extract(epoch from consumed_at)::int as consumed from oidc_payload
    where model = $1 and %COL% = $2 and (expires_at is null or expires_at > now())`;

  class PgAdapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
      await pool.query(
        `insert into oidc_payload (model, id, payload, grant_id, user_code, uid, expires_at)
         values ($1, $2, $3, $4, $5, $6, case when $7::int is null then null else now() + make_interval(secs => $7::int) end)
         on conflict (model, id) do update set payload = excluded.payload, grant_id = excluded.grant_id,
           user_code = excluded.user_code, uid = excluded.uid, expires_at = excluded.expires_at`,
        [this.model, id, payload, payload.grantId ?? null, payload.userCode ?? null, payload.uid ?? null, expiresIn ?? null],
      );
    }

    async find(id: string): Promise<Payload | undefined> {
      return row(await pool.query(select.replace('%COL%', 'id'), [this.model, id]));
    }

    async findByUid(uid: string): Promise<Payload | undefined> {
      return row(await pool.query(select.replace('%COL%', 'uid'), [this.model, uid]));
    }

    async findByUserCode(userCode: string): Promise<Payload | undefined> {
      return row(await pool.query(select.replace('%COL%', 'user_code'), [this.model, userCode]));
    }

    async consume(id: string): Promise<void> {
      await pool.query('update oidc_payload set consumed_at = now() where model = $1 and id = $2', [this.model, id]);
    }

    async destroy(id: string): Promise<void> {
      await pool.query('delete from oidc_payload where model = $1 and id = $2', [this.model, id]);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await pool.query('delete from oidc_payload where model = $1 and grant_id = $2', [this.model, grantId]);
    }
  }

  return { adapter: PgAdapter, close: () => pool.end() };
}
