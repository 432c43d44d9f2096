import { Migration } from '@mikro-orm/migrations';

export class Migration20261122185028_client_jwks_uri extends Migration {

  override name = 'Migration20261122185028_client_jwks_uri';

  override up(): void | Promise<void> {
    this.addSql(`alter table "client" add "jwks_uri" text null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "client" drop column "jwks_uri";`);
  }

}
