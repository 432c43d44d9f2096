import { Migration } from '@mikro-orm/migrations';

export class Migration20261122174634_audit_retention extends Migration {

  override name = 'Migration20261122174634_audit_retention';

  override up(): void | Promise<void> {
    this.addSql(`create table "audit_retention" ("id" uuid not null, "tenant_id" uuid not null, "days" int not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "audit_retention_tenant_id_index" on "audit_retention" ("tenant_id");`);
    this.addSql(`alter table "audit_retention" add constraint "audit_retention_tenant_id_unique" unique ("tenant_id");`);

    this.addSql(`alter table "audit_retention" add constraint "audit_retention_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "audit_retention" cascade;`);
  }

}
