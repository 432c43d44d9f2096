import { Migration } from '@mikro-orm/migrations';

export class Migration20261122185148_tenant_token_ttls extends Migration {

  override name = 'Migration20261122185148_tenant_token_ttls';

  override up(): void | Promise<void> {
    this.addSql(`alter table "tenant" add "access_token_ttl" int null, add "id_token_ttl" int null, add "refresh_token_ttl" int null, add "refresh_token_idle_ttl" int null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "tenant" drop column "access_token_ttl", drop column "id_token_ttl", drop column "refresh_token_ttl", drop column "refresh_token_idle_ttl";`);
  }

}
