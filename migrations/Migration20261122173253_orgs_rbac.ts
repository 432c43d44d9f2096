import { Migration } from '@mikro-orm/migrations';

export class Migration20261122173253_orgs_rbac extends Migration {

  override name = 'Migration20261122173253_orgs_rbac';

  override up(): void | Promise<void> {
    this.addSql(`create table "role" ("id" uuid not null, "tenant_id" uuid not null, "name" varchar(100) not null, "description" varchar(500) null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "role_tenant_id_index" on "role" ("tenant_id");`);
    this.addSql(`alter table "role" add constraint "role_tenant_id_name_unique" unique ("tenant_id", "name");`);

    this.addSql(`create table "user_group" ("id" uuid not null, "tenant_id" uuid not null, "name" varchar(100) not null, "description" varchar(500) null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "user_group_tenant_id_index" on "user_group" ("tenant_id");`);
    this.addSql(`alter table "user_group" add constraint "user_group_tenant_id_name_unique" unique ("tenant_id", "name");`);

    this.addSql(`create table "api_resource" ("id" uuid not null, "tenant_id" uuid not null, "identifier" varchar(2000) not null, "name" varchar(200) not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "api_resource_tenant_id_index" on "api_resource" ("tenant_id");`);
    this.addSql(`alter table "api_resource" add constraint "api_resource_tenant_id_identifier_unique" unique ("tenant_id", "identifier");`);

    this.addSql(`create table "permission" ("id" uuid not null, "tenant_id" uuid not null, "api_resource_id" uuid not null, "scope" varchar(200) not null, "description" varchar(500) null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "permission_tenant_id_index" on "permission" ("tenant_id");`);
    this.addSql(`alter table "permission" add constraint "permission_api_resource_id_scope_unique" unique ("api_resource_id", "scope");`);

    this.addSql(`create table "role_permission" ("id" uuid not null, "tenant_id" uuid not null, "role_id" uuid not null, "permission_id" uuid not null, primary key ("id"));`);
    this.addSql(`create index "role_permission_tenant_id_index" on "role_permission" ("tenant_id");`);
    this.addSql(`create index "role_permission_permission_id_index" on "role_permission" ("permission_id");`);
    this.addSql(`alter table "role_permission" add constraint "role_permission_role_id_permission_id_unique" unique ("role_id", "permission_id");`);

    this.addSql(`create table "role_assignment" ("id" uuid not null, "tenant_id" uuid not null, "role_id" uuid not null, "user_id" uuid null, "group_id" uuid null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "role_assignment_tenant_id_index" on "role_assignment" ("tenant_id");`);
    this.addSql(`create index "role_assignment_user_id_index" on "role_assignment" ("user_id");`);
    this.addSql(`create index "role_assignment_group_id_index" on "role_assignment" ("group_id");`);
    this.addSql(`alter table "role_assignment" add constraint "role_assignment_role_id_user_id_unique" unique ("role_id", "user_id");`);
    this.addSql(`alter table "role_assignment" add constraint "role_assignment_role_id_group_id_unique" unique ("role_id", "group_id");`);

    this.addSql(`create table "organization" ("id" uuid not null, "tenant_id" uuid not null, "name" varchar(200) not null, "description" varchar(500) null, "owner_id" uuid null, "pending_owner_id" uuid null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "organization_tenant_id_index" on "organization" ("tenant_id");`);

    this.addSql(`create table "organization_member" ("id" uuid not null, "tenant_id" uuid not null, "organization_id" uuid not null, "user_id" uuid not null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "organization_member_tenant_id_index" on "organization_member" ("tenant_id");`);
    this.addSql(`create index "organization_member_user_id_index" on "organization_member" ("user_id");`);
    this.addSql(`alter table "organization_member" add constraint "organization_member_organization_id_user_id_unique" unique ("organization_id", "user_id");`);

    this.addSql(`create table "organization_member_role" ("id" uuid not null, "tenant_id" uuid not null, "member_id" uuid not null, "role_id" uuid not null, primary key ("id"));`);
    this.addSql(`create index "organization_member_role_tenant_id_index" on "organization_member_role" ("tenant_id");`);
    this.addSql(`create index "organization_member_role_role_id_index" on "organization_member_role" ("role_id");`);
    this.addSql(`alter table "organization_member_role" add constraint "organization_member_role_member_id_role_id_unique" unique ("member_id", "role_id");`);

    this.addSql(`create table "organization_invitation" ("id" uuid not null, "tenant_id" uuid not null, "organization_id" uuid not null, "email" varchar(320) not null, "token_hash" varchar(64) not null, "role_ids" text[] not null default '{}', "status" text not null default 'pending', "expires_at" timestamptz not null, "accepted_by_id" uuid null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "organization_invitation_tenant_id_index" on "organization_invitation" ("tenant_id");`);
    this.addSql(`create index "organization_invitation_organization_id_index" on "organization_invitation" ("organization_id");`);
    this.addSql(`alter table "organization_invitation" add constraint "organization_invitation_token_hash_unique" unique ("token_hash");`);

    this.addSql(`create table "organization_domain" ("id" uuid not null, "tenant_id" uuid not null, "organization_id" uuid not null, "domain" varchar(253) not null, "verification_value" varchar(100) not null, "verified_at" timestamptz null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "organization_domain_tenant_id_index" on "organization_domain" ("tenant_id");`);
    this.addSql(`create index "organization_domain_organization_id_index" on "organization_domain" ("organization_id");`);
    this.addSql(`alter table "organization_domain" add constraint "organization_domain_tenant_id_domain_unique" unique ("tenant_id", "domain");`);

    this.addSql(`create table "group_member" ("id" uuid not null, "tenant_id" uuid not null, "group_id" uuid not null, "user_id" uuid null, "member_group_id" uuid null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "group_member_tenant_id_index" on "group_member" ("tenant_id");`);
    this.addSql(`create index "group_member_user_id_index" on "group_member" ("user_id");`);
    this.addSql(`create index "group_member_member_group_id_index" on "group_member" ("member_group_id");`);
    this.addSql(`alter table "group_member" add constraint "group_member_group_id_user_id_unique" unique ("group_id", "user_id");`);
    this.addSql(`alter table "group_member" add constraint "group_member_group_id_member_group_id_unique" unique ("group_id", "member_group_id");`);

    this.addSql(`alter table "role" add constraint "role_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);

    this.addSql(`alter table "user_group" add constraint "user_group_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);

    this.addSql(`alter table "api_resource" add constraint "api_resource_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);

    this.addSql(`alter table "permission" add constraint "permission_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);
    this.addSql(`alter table "permission" add constraint "permission_api_resource_id_foreign" foreign key ("api_resource_id") references "api_resource" ("id") on delete cascade;`);

    this.addSql(`alter table "role_permission" add constraint "role_permission_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);
    this.addSql(`alter table "role_permission" add constraint "role_permission_role_id_foreign" foreign key ("role_id") references "role" ("id") on delete cascade;`);
    this.addSql(`alter table "role_permission" add constraint "role_permission_permission_id_foreign" foreign key ("permission_id") references "permission" ("id") on delete cascade;`);

    this.addSql(`alter table "role_assignment" add constraint "role_assignment_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);
    this.addSql(`alter table "role_assignment" add constraint "role_assignment_role_id_foreign" foreign key ("role_id") references "role" ("id") on delete cascade;`);
    this.addSql(`alter table "role_assignment" add constraint "role_assignment_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on delete cascade;`);
    this.addSql(`alter table "role_assignment" add constraint "role_assignment_group_id_foreign" foreign key ("group_id") references "user_group" ("id") on delete cascade;`);

    this.addSql(`alter table "organization" add constraint "organization_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);
    this.addSql(`alter table "organization" add constraint "organization_owner_id_foreign" foreign key ("owner_id") references "app_user" ("id") on delete set null;`);
    this.addSql(`alter table "organization" add constraint "organization_pending_owner_id_foreign" foreign key ("pending_owner_id") references "app_user" ("id") on delete set null;`);

    this.addSql(`alter table "organization_member" add constraint "organization_member_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);
    this.addSql(`alter table "organization_member" add constraint "organization_member_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on delete cascade;`);
    this.addSql(`alter table "organization_member" add constraint "organization_member_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on delete cascade;`);

    this.addSql(`alter table "organization_member_role" add constraint "organization_member_role_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);
    this.addSql(`alter table "organization_member_role" add constraint "organization_member_role_member_id_foreign" foreign key ("member_id") references "organization_member" ("id") on delete cascade;`);
    this.addSql(`alter table "organization_member_role" add constraint "organization_member_role_role_id_foreign" foreign key ("role_id") references "role" ("id") on delete cascade;`);

    this.addSql(`alter table "organization_invitation" add constraint "organization_invitation_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);
    this.addSql(`alter table "organization_invitation" add constraint "organization_invitation_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on delete cascade;`);
    this.addSql(`alter table "organization_invitation" add constraint "organization_invitation_accepted_by_id_foreign" foreign key ("accepted_by_id") references "app_user" ("id") on delete set null;`);
    this.addSql(`alter table "organization_invitation" add constraint "organization_invitation_status_check" check ("status" in ('pending', 'accepted', 'revoked', 'expired'));`);

    this.addSql(`alter table "organization_domain" add constraint "organization_domain_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);
    this.addSql(`alter table "organization_domain" add constraint "organization_domain_organization_id_foreign" foreign key ("organization_id") references "organization" ("id") on delete cascade;`);

    this.addSql(`alter table "group_member" add constraint "group_member_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);
    this.addSql(`alter table "group_member" add constraint "group_member_group_id_foreign" foreign key ("group_id") references "user_group" ("id") on delete cascade;`);
    this.addSql(`alter table "group_member" add constraint "group_member_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on delete cascade;`);
    this.addSql(`alter table "group_member" add constraint "group_member_member_group_id_foreign" foreign key ("member_group_id") references "user_group" ("id") on delete cascade;`);

  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "role_permission" drop constraint "role_permission_role_id_foreign";`);
    this.addSql(`alter table "role_assignment" drop constraint "role_assignment_role_id_foreign";`);
    this.addSql(`alter table "organization_member_role" drop constraint "organization_member_role_role_id_foreign";`);
    this.addSql(`alter table "role_assignment" drop constraint "role_assignment_group_id_foreign";`);
    this.addSql(`alter table "group_member" drop constraint "group_member_group_id_foreign";`);
    this.addSql(`alter table "group_member" drop constraint "group_member_member_group_id_foreign";`);
    this.addSql(`alter table "permission" drop constraint "permission_api_resource_id_foreign";`);
    this.addSql(`alter table "role_permission" drop constraint "role_permission_permission_id_foreign";`);
    this.addSql(`alter table "organization_member" drop constraint "organization_member_organization_id_foreign";`);
    this.addSql(`alter table "organization_invitation" drop constraint "organization_invitation_organization_id_foreign";`);
    this.addSql(`alter table "organization_domain" drop constraint "organization_domain_organization_id_foreign";`);
    this.addSql(`alter table "organization_member_role" drop constraint "organization_member_role_member_id_foreign";`);

    this.addSql(`drop table if exists "role" cascade;`);
    this.addSql(`drop table if exists "user_group" cascade;`);
    this.addSql(`drop table if exists "api_resource" cascade;`);
    this.addSql(`drop table if exists "permission" cascade;`);
    this.addSql(`drop table if exists "role_permission" cascade;`);
    this.addSql(`drop table if exists "role_assignment" cascade;`);
    this.addSql(`drop table if exists "organization" cascade;`);
    this.addSql(`drop table if exists "organization_member" cascade;`);
    this.addSql(`drop table if exists "organization_member_role" cascade;`);
    this.addSql(`drop table if exists "organization_invitation" cascade;`);
    this.addSql(`drop table if exists "organization_domain" cascade;`);
    this.addSql(`drop table if exists "group_member" cascade;`);

  }

}
