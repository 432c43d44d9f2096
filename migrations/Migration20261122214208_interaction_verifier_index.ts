import { Migration } from '@mikro-orm/migrations';

export class Migration20261122214208_interaction_verifier_index extends Migration {

  override name = 'Migration20261122214208_interaction_verifier_index';

  override up(): void | Promise<void> {
    this.addSql(`create index "interaction_verifier_hash_index" on "interaction" ("verifier_hash");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "interaction_verifier_hash_index";`);
  }

}
