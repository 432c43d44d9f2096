import { Field, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../../../graph/scalars/index.js';
import { ActorKind } from '../../audit-log/graphql/audit-event.type.js';

@ObjectType('Viewer', { description: 'The caller: the client or user the token was issued to. Any valid management token may read it.' })
export class ViewerType {
  homeTenantId!: string;
  tenantId!: string;
  @Field(() => ActorKind, { description: 'Client (client_credentials) or user (authorization code).' })
  kind!: ActorKind;
  @Field(() => String, { description: 'The token\'s subject.' })
  subject!: string;
  @Field(() => String, { description: 'The OAuth client the token was issued to.' })
  clientId!: string;
  @Field(() => [String], { description: 'The token\'s scopes.' })
  scopes!: string[];
  @Field(() => DateTimeScalar, { description: 'When the token expires.' })
  tokenExpiresAt!: Date;
}
