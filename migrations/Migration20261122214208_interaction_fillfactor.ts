import { Migration } from '@mikro-orm/migrations';

export class Migration20261122214208_interaction_fillfactor extends Migration {

  override name = 'Migration20261122214208_interaction_fillfactor';

  override up(): void | Promise<void> {
    // An interaction row is updated 2-3 times per authorization; the answer, resume and completion
    // updates touch no indexed column, so room left on each page lets them stay heap-only (HOT),
    // without a new entry in every index.
    this.addSql(`alter table "interaction" set (fillfactor = 60);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "interaction" reset (fillfactor);`);
  }

}
