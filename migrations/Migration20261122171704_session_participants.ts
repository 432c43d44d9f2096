import { Migration } from '@mikro-orm/migrations';

export class Migration20261122171704_session_participants extends Migration {

  override name = 'Migration20261122171704_session_participants';

  override up(): void | Promise<void> {
    this.addSql(`alter table "browser_session" add "clients" text[] not null default '{}';`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "browser_session" drop column "clients";`);
  }

}
