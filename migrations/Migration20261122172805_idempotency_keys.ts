import { Migration } from '@mikro-orm/migrations';

export class Migration20261122172805_idempotency_keys extends Migration {

  override name = 'Migration20261122172805_idempotency_keys';

  override up(): void | Promise<void> {
    this.addSql(`create table "idempotency_key" ("id" uuid not null, "tenant_id" uuid not null, "principal" varchar(200) not null, "key" varchar(255) not null, "request_hash" varchar(64) not null, "status" varchar(10) not null, "response" jsonb null, "created_at" timestamptz not null, "expires_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "idempotency_key_tenant_id_index" on "idempotency_key" ("tenant_id");`);
    this.addSql(`create index "idempotency_key_expires_at_index" on "idempotency_key" ("expires_at");`);
    this.addSql(`alter table "idempotency_key" add constraint "idempotency_key_tenant_id_principal_key_unique" unique ("tenant_id", "principal", "key");`);



    this.addSql(`alter table "idempotency_key" add constraint "idempotency_key_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "idempotency_key" cascade;`);


  }

}
