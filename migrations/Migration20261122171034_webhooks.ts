import { Migration } from '@mikro-orm/migrations';

export class Migration20261122171034_webhooks extends Migration {

  override name = 'Migration20261122171034_webhooks';

  override up(): void | Promise<void> {
    this.addSql(`create table "outbound_policy" ("id" uuid not null, "tenant_id" uuid not null, "target" text not null, "enabled" boolean not null default true, "allowed_schemes" text[] not null, "allowed_ports" jsonb not null, "allowed_host_patterns" text[] not null, "allowed_path_patterns" text[] not null, "block_private_ips" boolean not null, "block_loopback_ips" boolean not null, "block_link_local_ips" boolean not null, "block_multicast_ips" boolean not null, "block_localhost_names" boolean not null, "disable_redirects" boolean not null, "require_dns_resolve" boolean not null, "max_response_bytes" int not null, "request_timeout_seconds" int not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "outbound_policy_tenant_id_index" on "outbound_policy" ("tenant_id");`);
    this.addSql(`alter table "outbound_policy" add constraint "outbound_policy_tenant_id_target_unique" unique ("tenant_id", "target");`);

    this.addSql(`create table "webhook_endpoint" ("id" uuid not null, "tenant_id" uuid not null, "url" text not null, "description" varchar(500) null, "event_types" text[] not null default '{}', "categories" text[] not null default '{}', "enabled" boolean not null default true, "disabled_reason" varchar(30) null, "disabled_at" timestamptz null, "secret_sealed" text not null, "previous_secret_sealed" text null, "previous_secret_expires_at" timestamptz null, "consecutive_failures" int not null default 0, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "webhook_endpoint_tenant_id_index" on "webhook_endpoint" ("tenant_id");`);
    this.addSql(`create index "webhook_endpoint_enabled_idx" on "webhook_endpoint" ("tenant_id") where enabled;`);

    this.addSql(`create table "webhook_delivery" ("id" uuid not null, "tenant_id" uuid not null, "endpoint_id" uuid not null, "event_id" uuid not null, "event_type" varchar(100) not null, "status" text not null default 'pending', "attempt_count" int not null default 0, "last_status_code" int null, "last_attempt_at" timestamptz null, "next_attempt_at" timestamptz null, "succeeded_at" timestamptz null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "webhook_delivery_tenant_id_index" on "webhook_delivery" ("tenant_id");`);
    this.addSql(`create index "webhook_delivery_endpoint_id_created_at_index" on "webhook_delivery" ("endpoint_id", "created_at");`);
    this.addSql(`create index "webhook_delivery_created_at_index" on "webhook_delivery" ("created_at");`);
    this.addSql(`alter table "webhook_delivery" add constraint "webhook_delivery_endpoint_event_unique" unique ("endpoint_id", "event_id");`);

    this.addSql(`create table "webhook_attempt" ("id" uuid not null, "tenant_id" uuid not null, "delivery_id" uuid not null, "endpoint_id" uuid not null, "number" int not null, "trigger" text not null, "succeeded" boolean not null, "status_code" int null, "latency_ms" int not null, "response_excerpt" text null, "error" varchar(300) null, "attempted_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "webhook_attempt_tenant_id_index" on "webhook_attempt" ("tenant_id");`);
    this.addSql(`create index "webhook_attempt_delivery_id_index" on "webhook_attempt" ("delivery_id");`);
    this.addSql(`create index "webhook_attempt_endpoint_id_attempted_at_index" on "webhook_attempt" ("endpoint_id", "attempted_at");`);
    this.addSql(`create index "webhook_attempt_attempted_at_index" on "webhook_attempt" ("attempted_at");`);

    this.addSql(`alter table "audit_event" add "relay_seq" bigint null;`);
    this.addSql(`create index "audit_event_relay_seq_idx" on "audit_event" ("tenant_id", "relay_seq");`);
    this.addSql(`create index "audit_event_relay_seq_global_idx" on "audit_event" ("relay_seq");`);

    this.addSql(`alter table "outbound_policy" add constraint "outbound_policy_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);
    this.addSql(`alter table "outbound_policy" add constraint "outbound_policy_target_check" check ("target" in ('webhook_delivery', 'jwks_fetch', 'oidc_discovery'));`);

    this.addSql(`alter table "webhook_endpoint" add constraint "webhook_endpoint_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);

    this.addSql(`alter table "webhook_delivery" add constraint "webhook_delivery_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);
    this.addSql(`alter table "webhook_delivery" add constraint "webhook_delivery_endpoint_id_foreign" foreign key ("endpoint_id") references "webhook_endpoint" ("id") on delete cascade;`);
    this.addSql(`alter table "webhook_delivery" add constraint "webhook_delivery_status_check" check ("status" in ('pending', 'retrying', 'succeeded', 'failed'));`);

    this.addSql(`alter table "webhook_attempt" add constraint "webhook_attempt_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);
    this.addSql(`alter table "webhook_attempt" add constraint "webhook_attempt_delivery_id_foreign" foreign key ("delivery_id") references "webhook_delivery" ("id") on delete cascade;`);
    this.addSql(`alter table "webhook_attempt" add constraint "webhook_attempt_trigger_check" check ("trigger" in ('auto', 'manual', 'test'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "webhook_delivery" drop constraint "webhook_delivery_endpoint_id_foreign";`);
    this.addSql(`alter table "webhook_attempt" drop constraint "webhook_attempt_delivery_id_foreign";`);

    this.addSql(`drop table if exists "outbound_policy" cascade;`);
    this.addSql(`drop table if exists "webhook_endpoint" cascade;`);
    this.addSql(`drop table if exists "webhook_delivery" cascade;`);
    this.addSql(`drop table if exists "webhook_attempt" cascade;`);

    this.addSql(`drop index "audit_event_relay_seq_idx";`);
    this.addSql(`drop index "audit_event_relay_seq_global_idx";`);
    this.addSql(`alter table "audit_event" drop column "relay_seq";`);
  }

}
