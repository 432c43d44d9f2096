import { Migration } from '@mikro-orm/migrations';

export class Migration20261122174117_audit_export extends Migration {

  override name = 'Migration20261122174117_audit_export';

  override up(): void | Promise<void> {
    this.addSql(`create table "audit_export" ("id" uuid not null, "tenant_id" uuid not null, "format" text not null, "filter" jsonb not null, "status" text not null default 'pending', "row_count" int not null default 0, "truncated" boolean not null default false, "content" text null, "error" varchar(300) null, "requested_by_kind" varchar(20) not null, "requested_by_id" varchar(200) not null, "requested_by_client_id" varchar(128) null, "created_at" timestamptz not null, "finished_at" timestamptz null, "expires_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "audit_export_tenant_id_index" on "audit_export" ("tenant_id");`);
    this.addSql(`create index "audit_export_expires_at_index" on "audit_export" ("expires_at");`);

    this.addSql(`alter table "audit_export" add constraint "audit_export_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);
    this.addSql(`alter table "audit_export" add constraint "audit_export_format_check" check ("format" in ('ndjson', 'csv'));`);
    this.addSql(`alter table "audit_export" add constraint "audit_export_status_check" check ("status" in ('pending', 'succeeded', 'failed'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "audit_export" cascade;`);
  }

}
