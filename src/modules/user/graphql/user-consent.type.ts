import { Field, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../../../graph/scalars/index.js';

@ObjectType('UserConsent', { description: 'An application the user consented to, with what it was granted. Requires users:read.' })
export class UserConsentType {
  @Field(() => String, { description: 'The application\'s OAuth client_id. Requires users:read.' })
  clientId!: string;
  @Field(() => String, { nullable: true, description: 'The application\'s name (null when the client was deleted). Requires users:read.' })
  clientName!: string | null;
  @Field(() => [String], { description: 'Scopes granted. Requires users:read.' })
  scopes!: string[];
  @Field(() => [String], { description: 'Audiences (resources) granted. Requires users:read.' })
  audiences!: string[];
  @Field(() => DateTimeScalar, { description: 'When consent was first granted. Requires users:read.' })
  grantedAt!: Date;
  @Field(() => DateTimeScalar, { description: 'When the consent last changed. Requires users:read.' })
  updatedAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true, description: 'Until when the consent is remembered (null: asked again each time). Requires users:read.' })
  rememberedUntil!: Date | null;
}
