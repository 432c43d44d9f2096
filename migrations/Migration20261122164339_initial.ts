import { Migration } from '@mikro-orm/migrations';

export class Migration20261122164339_initial extends Migration {

  override name = 'Migration20261122164339_initial';

  override up(): void | Promise<void> {
    this.addSql(`create table "tenant" ("id" uuid not null, "slug" varchar(63) not null, "name" varchar(200) not null, "is_system" boolean not null default false, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "tenant" add constraint "tenant_slug_unique" unique ("slug");`);

    this.addSql(`create table "signing_key" ("id" uuid not null, "tenant_id" uuid not null, "kid" varchar(100) not null, "alg" varchar(10) not null, "status" text not null, "public_jwk" jsonb not null, "private_key_sealed" text not null, "created_at" timestamptz not null, "activated_at" timestamptz null, "retired_at" timestamptz null, "expires_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "signing_key_tenant_id_index" on "signing_key" ("tenant_id");`);
    this.addSql(`create index "signing_key_expires_at_index" on "signing_key" ("expires_at");`);
    this.addSql(`alter table "signing_key" add constraint "signing_key_tenant_id_kid_unique" unique ("tenant_id", "kid");`);

    this.addSql(`create table "client" ("id" uuid not null, "tenant_id" uuid not null, "client_id" varchar(128) not null, "name" varchar(200) not null, "kind" text not null, "confidential" boolean not null default true, "grant_types" text[] not null, "scopes" text[] not null, "audiences" text[] not null, "token_endpoint_auth_method" varchar(40) not null, "access_token_ttl" int null, "disabled" boolean not null default false, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "client_tenant_id_index" on "client" ("tenant_id");`);
    this.addSql(`alter table "client" add constraint "client_tenant_id_client_id_unique" unique ("tenant_id", "client_id");`);

    this.addSql(`create table "client_secret" ("id" uuid not null, "tenant_id" uuid not null, "client_id" uuid not null, "secret_hash" text not null, "hint" varchar(8) not null, "created_at" timestamptz not null, "expires_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "client_secret_tenant_id_index" on "client_secret" ("tenant_id");`);
    this.addSql(`create index "client_secret_client_id_index" on "client_secret" ("client_id");`);

    this.addSql(`create table "audit_event" ("id" uuid not null, "tenant_id" uuid not null, "type" varchar(100) not null, "actor_kind" varchar(20) not null, "actor_id" varchar(200) not null, "actor_client_id" varchar(128) null, "target_type" varchar(50) null, "target_id" varchar(200) null, "request_id" varchar(64) null, "payload" jsonb not null, "occurred_at" timestamptz not null, "relayed_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "audit_event_tenant_id_index" on "audit_event" ("tenant_id");`);
    this.addSql(`create index "audit_event_tenant_id_occurred_at_index" on "audit_event" ("tenant_id", "occurred_at");`);
    this.addSql(`create index "audit_event_unrelayed_idx" on "audit_event" ("occurred_at") where relayed_at is null;`);

    this.addSql(`alter table "signing_key" add constraint "signing_key_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);
    this.addSql(`alter table "signing_key" add constraint "signing_key_status_check" check ("status" in ('next', 'active', 'retired'));`);

    this.addSql(`alter table "client" add constraint "client_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);
    this.addSql(`alter table "client" add constraint "client_kind_check" check ("kind" in ('management', 'application'));`);

    this.addSql(`alter table "client_secret" add constraint "client_secret_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);
    this.addSql(`alter table "client_secret" add constraint "client_secret_client_id_foreign" foreign key ("client_id") references "client" ("id") on delete cascade;`);

    this.addSql(`alter table "audit_event" add constraint "audit_event_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "signing_key" drop constraint "signing_key_tenant_id_foreign";`);
    this.addSql(`alter table "client" drop constraint "client_tenant_id_foreign";`);
    this.addSql(`alter table "client_secret" drop constraint "client_secret_tenant_id_foreign";`);
    this.addSql(`alter table "audit_event" drop constraint "audit_event_tenant_id_foreign";`);
    this.addSql(`alter table "client_secret" drop constraint "client_secret_client_id_foreign";`);

    this.addSql(`drop table if exists "tenant" cascade;`);
    this.addSql(`drop table if exists "signing_key" cascade;`);
    this.addSql(`drop table if exists "client" cascade;`);
    this.addSql(`drop table if exists "client_secret" cascade;`);
    this.addSql(`drop table if exists "audit_event" cascade;`);
  }

}
