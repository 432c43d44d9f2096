import { Migration } from '@mikro-orm/migrations';

export class Migration20261122185914_client_cors_origins extends Migration {

  override name = 'Migration20261122185914_client_cors_origins';

  override up(): void | Promise<void> {
    this.addSql(`alter table "client" add "allowed_cors_origins" text[] not null default '{}';`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "client" drop column "allowed_cors_origins";`);
  }

}
