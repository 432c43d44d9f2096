import { Migration } from '@mikro-orm/migrations';

export class Migration20261122191647_authn_methods extends Migration {

  override name = 'Migration20261122191647_authn_methods';

  override up(): void | Promise<void> {
    this.addSql(`create table "login_flow" ("id" uuid not null, "tenant_id" uuid not null, "token_hash" varchar(64) not null, "purpose" text not null, "state" text not null, "interaction_id" uuid null, "user_id" uuid null, "amr" text[] not null default '{}', "mfa_required" boolean not null default false, "mfa_reasons" text[] not null default '{}', "requested_acr" varchar(100) null, "otp" jsonb null, "webauthn_challenge" varchar(128) null, "failures" int not null default 0, "data" jsonb not null, "ip" varchar(64) null, "user_agent" varchar(300) null, "device_hash" varchar(64) null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "expires_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "login_flow_tenant_id_index" on "login_flow" ("tenant_id");`);
    this.addSql(`alter table "login_flow" add constraint "login_flow_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "login_flow_interaction_id_index" on "login_flow" ("interaction_id");`);
    this.addSql(`create index "login_flow_expires_at_index" on "login_flow" ("expires_at");`);

    this.addSql(`create table "dev_sms" ("id" uuid not null, "tenant_id" uuid not null, "to" varchar(40) not null, "text" text not null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "dev_sms_tenant_id_index" on "dev_sms" ("tenant_id");`);
    this.addSql(`create index "dev_sms_tenant_id_to_created_at_index" on "dev_sms" ("tenant_id", "to", "created_at");`);

    this.addSql(`create table "known_device" ("id" uuid not null, "tenant_id" uuid not null, "user_id" uuid not null, "device_hash" varchar(64) not null, "network" varchar(64) null, "user_agent" varchar(300) null, "created_at" timestamptz not null, "last_seen_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "known_device_tenant_id_index" on "known_device" ("tenant_id");`);
    this.addSql(`create index "known_device_user_id_index" on "known_device" ("user_id");`);
    this.addSql(`alter table "known_device" add constraint "known_device_user_id_device_hash_unique" unique ("user_id", "device_hash");`);

    this.addSql(`create table "authenticator" ("id" uuid not null, "tenant_id" uuid not null, "user_id" uuid not null, "kind" text not null, "name" varchar(100) not null, "secret_sealed" text null, "last_used_step" bigint null, "credential_id" varchar(1400) null, "public_key" text null, "sign_count" bigint not null default '0', "transports" text[] not null default '{}', "backed_up" boolean not null default false, "confirmed_at" timestamptz null, "last_used_at" timestamptz null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "authenticator_tenant_id_index" on "authenticator" ("tenant_id");`);
    this.addSql(`create index "authenticator_user_id_index" on "authenticator" ("user_id");`);
    this.addSql(`alter table "authenticator" add constraint "authenticator_tenant_id_credential_id_unique" unique ("tenant_id", "credential_id");`);

    this.addSql(`create table "recovery_code" ("id" uuid not null, "tenant_id" uuid not null, "user_id" uuid not null, "authenticator_id" uuid not null, "code_hash" varchar(64) not null, "used_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "recovery_code_tenant_id_index" on "recovery_code" ("tenant_id");`);
    this.addSql(`create index "recovery_code_user_id_index" on "recovery_code" ("user_id");`);
    this.addSql(`create index "recovery_code_authenticator_id_index" on "recovery_code" ("authenticator_id");`);
    this.addSql(`alter table "recovery_code" add constraint "recovery_code_user_id_code_hash_unique" unique ("user_id", "code_hash");`);

    this.addSql(`alter table "tenant" add "mfa_methods" text[] not null default '{totp,passkey,recovery_code}', add "mfa_policy" text not null default 'optional', add "mfa_required_roles" text[] not null default '{}', add "adaptive_mfa" boolean not null default true, add "registration_steps" jsonb not null default '{"email_verification":"required","terms":"hidden","profile":"optional","phone_verification":"hidden","credentials":"required"}', add "terms_url" text null, add "recovery_revokes_sessions" boolean not null default true, add "lockout_threshold" int not null default 5, add "webauthn_rp_id" varchar(253) null, add "webauthn_origins" text[] not null default '{}';`);
    this.addSql(`alter table "tenant" add constraint "tenant_mfa_policy_check" check ("mfa_policy" in ('optional', 'required'));`);

    this.addSql(`alter table "app_user" add "is_anonymous" boolean not null default false;`);

    this.addSql(`alter table "login_flow" add constraint "login_flow_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);
    this.addSql(`alter table "login_flow" add constraint "login_flow_purpose_check" check ("purpose" in ('login', 'registration', 'recovery'));`);
    this.addSql(`alter table "login_flow" add constraint "login_flow_state_check" check ("state" in ('identify', 'second_factor', 'enroll_mfa', 'authenticated', 'completed', 'failed'));`);

    this.addSql(`alter table "dev_sms" add constraint "dev_sms_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);

    this.addSql(`alter table "known_device" add constraint "known_device_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);
    this.addSql(`alter table "known_device" add constraint "known_device_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on delete cascade;`);

    this.addSql(`alter table "authenticator" add constraint "authenticator_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);
    this.addSql(`alter table "authenticator" add constraint "authenticator_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on delete cascade;`);
    this.addSql(`alter table "authenticator" add constraint "authenticator_kind_check" check ("kind" in ('totp', 'passkey', 'recovery_codes'));`);

    this.addSql(`alter table "recovery_code" add constraint "recovery_code_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);
    this.addSql(`alter table "recovery_code" add constraint "recovery_code_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on delete cascade;`);
    this.addSql(`alter table "recovery_code" add constraint "recovery_code_authenticator_id_foreign" foreign key ("authenticator_id") references "authenticator" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "recovery_code" drop constraint "recovery_code_authenticator_id_foreign";`);

    this.addSql(`drop table if exists "login_flow" cascade;`);
    this.addSql(`drop table if exists "dev_sms" cascade;`);
    this.addSql(`drop table if exists "known_device" cascade;`);
    this.addSql(`drop table if exists "authenticator" cascade;`);
    this.addSql(`drop table if exists "recovery_code" cascade;`);

    this.addSql(`alter table "app_user" drop column "is_anonymous";`);

    this.addSql(`alter table "tenant" drop constraint "tenant_mfa_policy_check";`);
    this.addSql(`alter table "tenant" drop column "mfa_methods", drop column "mfa_policy", drop column "mfa_required_roles", drop column "adaptive_mfa", drop column "registration_steps", drop column "terms_url", drop column "recovery_revokes_sessions", drop column "lockout_threshold", drop column "webauthn_rp_id", drop column "webauthn_origins";`);
  }

}
