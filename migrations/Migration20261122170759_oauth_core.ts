import { Migration } from '@mikro-orm/migrations';

export class Migration20261122170759_oauth_core extends Migration {

  override name = 'Migration20261122170759_oauth_core';

  override up(): void | Promise<void> {
    this.addSql(`create table "refresh_token" ("id" varchar(64) not null, "tenant_id" uuid not null, "family_id" uuid not null, "client_id" varchar(128) not null, "grant" jsonb not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "absolute_expires_at" timestamptz not null, "consumed_at" timestamptz null, "revoked_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "refresh_token_tenant_id_index" on "refresh_token" ("tenant_id");`);
    this.addSql(`create index "refresh_token_family_id_index" on "refresh_token" ("family_id");`);
    this.addSql(`create index "refresh_token_expires_at_index" on "refresh_token" ("expires_at");`);

    this.addSql(`create table "interaction" ("id" uuid not null, "tenant_id" uuid not null, "client_id" varchar(128) not null, "state" text not null, "request" jsonb not null, "login_challenge_hash" varchar(64) not null, "consent_challenge_hash" varchar(64) null, "verifier_hash" varchar(64) null, "browser_binding_hash" varchar(64) not null, "session_id" uuid null, "login_skipped" boolean not null default false, "subject" varchar(200) null, "auth_time" timestamptz null, "acr" varchar(100) null, "amr" text[] null, "remember" boolean not null default false, "remember_for" int null, "login_context" jsonb null, "granted_scopes" text[] null, "granted_audience" text[] null, "consent_remember" boolean not null default false, "consent_remember_for" int null, "session_claims" jsonb null, "error" jsonb null, "created_at" timestamptz not null, "expires_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "interaction_tenant_id_index" on "interaction" ("tenant_id");`);
    this.addSql(`alter table "interaction" add constraint "interaction_login_challenge_hash_unique" unique ("login_challenge_hash");`);
    this.addSql(`alter table "interaction" add constraint "interaction_consent_challenge_hash_unique" unique ("consent_challenge_hash");`);
    this.addSql(`create index "interaction_expires_at_index" on "interaction" ("expires_at");`);

    this.addSql(`create table "consent" ("id" uuid not null, "tenant_id" uuid not null, "subject" varchar(200) not null, "client_id" varchar(128) not null, "scopes" text[] not null, "audiences" text[] not null, "remember_until" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "revoked_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "consent_tenant_id_index" on "consent" ("tenant_id");`);
    this.addSql(`alter table "consent" add constraint "consent_tenant_id_subject_client_id_unique" unique ("tenant_id", "subject", "client_id");`);

    this.addSql(`create table "browser_session" ("id" uuid not null, "tenant_id" uuid not null, "token_hash" varchar(64) not null, "subject" varchar(200) not null, "auth_time" timestamptz not null, "acr" varchar(100) null, "amr" text[] not null, "ip" varchar(64) null, "user_agent" varchar(300) null, "created_at" timestamptz not null, "last_active_at" timestamptz not null, "expires_at" timestamptz not null, "ended_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "browser_session_tenant_id_index" on "browser_session" ("tenant_id");`);
    this.addSql(`alter table "browser_session" add constraint "browser_session_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "browser_session_expires_at_index" on "browser_session" ("expires_at");`);
    this.addSql(`create index "browser_session_tenant_id_subject_index" on "browser_session" ("tenant_id", "subject");`);

    this.addSql(`create table "authorization_code" ("id" varchar(64) not null, "tenant_id" uuid not null, "family_id" uuid not null, "client_id" varchar(128) not null, "redirect_uri" text not null, "code_challenge" varchar(128) null, "code_challenge_method" varchar(10) null, "grant" jsonb not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "consumed_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "authorization_code_tenant_id_index" on "authorization_code" ("tenant_id");`);
    this.addSql(`create index "authorization_code_expires_at_index" on "authorization_code" ("expires_at");`);

    this.addSql(`create table "access_token" ("id" varchar(64) not null, "tenant_id" uuid not null, "family_id" uuid null, "format" varchar(10) not null, "client_id" varchar(128) not null, "subject" varchar(200) not null, "scopes" text[] not null, "audience" text not null, "claims" jsonb null, "issued_at" timestamptz not null, "expires_at" timestamptz not null, "revoked_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "access_token_tenant_id_index" on "access_token" ("tenant_id");`);
    this.addSql(`create index "access_token_family_id_index" on "access_token" ("family_id");`);
    this.addSql(`create index "access_token_expires_at_index" on "access_token" ("expires_at");`);

    this.addSql(`create table "used_client_assertion" ("id" varchar(64) not null, "tenant_id" uuid not null, "expires_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "used_client_assertion_tenant_id_index" on "used_client_assertion" ("tenant_id");`);
    this.addSql(`create index "used_client_assertion_expires_at_index" on "used_client_assertion" ("expires_at");`);

    this.addSql(`create table "app_user" ("id" uuid not null, "tenant_id" uuid not null, "email" varchar(320) not null, "email_verified" boolean not null default false, "password_hash" text null, "name" varchar(200) null, "given_name" varchar(100) null, "family_name" varchar(100) null, "phone_number" varchar(40) null, "phone_number_verified" boolean not null default false, "status" text not null default 'active', "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "app_user_tenant_id_index" on "app_user" ("tenant_id");`);
    this.addSql(`alter table "app_user" add constraint "app_user_tenant_id_email_unique" unique ("tenant_id", "email");`);

    this.addSql(`alter table "tenant" add "login_ui_url" text null, add "consent_ui_url" text null, add "session_ttl" int not null default 1209600;`);

    this.addSql(`alter table "client" add "application_type" varchar(10) not null default 'web', add "redirect_uris" text[] not null default '{}', add "post_logout_redirect_uris" text[] not null default '{}', add "response_types" text[] not null default '{}', add "skip_consent" boolean not null default false, add "enforce_pkce" boolean not null default true, add "subject_type" varchar(10) not null default 'public', add "sector_identifier" varchar(255) null, add "id_token_signed_response_alg" varchar(10) not null default 'RS256', add "access_token_format" varchar(10) not null default 'jwt', add "jwks" jsonb null, add "backchannel_logout_uri" text null, add "backchannel_logout_session_required" boolean not null default true, add "refresh_token_ttl" int null, add "refresh_token_idle_ttl" int null;`);

    this.addSql(`alter table "refresh_token" add constraint "refresh_token_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);

    this.addSql(`alter table "interaction" add constraint "interaction_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);
    this.addSql(`alter table "interaction" add constraint "interaction_state_check" check ("state" in ('login_pending', 'login_accepted', 'login_rejected', 'consent_pending', 'consent_accepted', 'consent_rejected', 'completed'));`);

    this.addSql(`alter table "consent" add constraint "consent_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);

    this.addSql(`alter table "browser_session" add constraint "browser_session_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);

    this.addSql(`alter table "authorization_code" add constraint "authorization_code_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);

    this.addSql(`alter table "access_token" add constraint "access_token_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);

    this.addSql(`alter table "used_client_assertion" add constraint "used_client_assertion_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);

    this.addSql(`alter table "app_user" add constraint "app_user_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);
    this.addSql(`alter table "app_user" add constraint "app_user_status_check" check ("status" in ('active', 'suspended'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "refresh_token" cascade;`);
    this.addSql(`drop table if exists "interaction" cascade;`);
    this.addSql(`drop table if exists "consent" cascade;`);
    this.addSql(`drop table if exists "browser_session" cascade;`);
    this.addSql(`drop table if exists "authorization_code" cascade;`);
    this.addSql(`drop table if exists "access_token" cascade;`);
    this.addSql(`drop table if exists "used_client_assertion" cascade;`);
    this.addSql(`drop table if exists "app_user" cascade;`);

    this.addSql(`alter table "client" drop column "application_type", drop column "redirect_uris", drop column "post_logout_redirect_uris", drop column "response_types", drop column "skip_consent", drop column "enforce_pkce", drop column "subject_type", drop column "sector_identifier", drop column "id_token_signed_response_alg", drop column "access_token_format", drop column "jwks", drop column "backchannel_logout_uri", drop column "backchannel_logout_session_required", drop column "refresh_token_ttl", drop column "refresh_token_idle_ttl";`);

    this.addSql(`alter table "tenant" drop column "login_ui_url", drop column "consent_ui_url", drop column "session_ttl";`);
  }

}
