import { Migration } from '@mikro-orm/migrations';

export class Migration20261122193049_org_mfa_required extends Migration {

  override name = 'Migration20261122193049_org_mfa_required';

  override up(): void | Promise<void> {
    this.addSql(`alter table "organization" add "mfa_required" boolean not null default false;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "organization" drop column "mfa_required";`);
  }

}
