import { Migration } from '@mikro-orm/migrations';

export class Migration20261122173304_user_identity_graph extends Migration {

  override name = 'Migration20261122173304_user_identity_graph';

  override up(): void | Promise<void> {
    this.addSql(`create table "dev_mail" ("id" uuid not null, "tenant_id" uuid not null, "to" varchar(320) not null, "subject" varchar(300) not null, "text" text not null, "html" text null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "dev_mail_tenant_id_index" on "dev_mail" ("tenant_id");`);
    this.addSql(`create index "dev_mail_tenant_id_to_created_at_index" on "dev_mail" ("tenant_id", "to", "created_at");`);

    this.addSql(`create table "user_token" ("id" uuid not null, "tenant_id" uuid not null, "user_id" uuid not null, "purpose" text not null, "token_hash" varchar(64) not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "used_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "user_token_tenant_id_index" on "user_token" ("tenant_id");`);
    this.addSql(`create index "user_token_user_id_index" on "user_token" ("user_id");`);
    this.addSql(`alter table "user_token" add constraint "user_token_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "user_token_expires_at_index" on "user_token" ("expires_at");`);

    this.addSql(`alter table "tenant" add "password_min_length" int not null default 8, add "password_require_classes" text[] not null default '{}', add "self_registration" boolean not null default false, add "auth_methods" text[] not null default '{password}';`);

    this.addSql(`alter table "app_user" drop constraint "app_user_status_check";`);
    this.addSql(`alter table "app_user" add "middle_name" varchar(100) null, add "nickname" varchar(100) null, add "preferred_username" varchar(200) null, add "picture" text null, add "website" text null, add "gender" varchar(50) null, add "birthdate" varchar(10) null, add "zoneinfo" varchar(64) null, add "locale" varchar(35) null, add "address" jsonb null, add "metadata" jsonb null;`);
    this.addSql(`create index "app_user_tenant_id_created_at_index" on "app_user" ("tenant_id", "created_at");`);
    this.addSql(`alter table "app_user" add constraint "app_user_status_check" check ("status" in ('active', 'suspended', 'invited'));`);

    this.addSql(`alter table "dev_mail" add constraint "dev_mail_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);

    this.addSql(`alter table "user_token" add constraint "user_token_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on delete cascade;`);
    this.addSql(`alter table "user_token" add constraint "user_token_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on delete cascade;`);
    this.addSql(`alter table "user_token" add constraint "user_token_purpose_check" check ("purpose" in ('invitation', 'password_reset'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "dev_mail" cascade;`);
    this.addSql(`drop table if exists "user_token" cascade;`);

    this.addSql(`drop index "app_user_tenant_id_created_at_index";`);
    this.addSql(`alter table "app_user" drop constraint "app_user_status_check";`);
    this.addSql(`alter table "app_user" drop column "middle_name", drop column "nickname", drop column "preferred_username", drop column "picture", drop column "website", drop column "gender", drop column "birthdate", drop column "zoneinfo", drop column "locale", drop column "address", drop column "metadata";`);
    this.addSql(`alter table "app_user" add constraint "app_user_status_check" check ("status" in ('active', 'suspended'));`);

    this.addSql(`alter table "tenant" drop column "password_min_length", drop column "password_require_classes", drop column "self_registration", drop column "auth_methods";`);
  }

}
