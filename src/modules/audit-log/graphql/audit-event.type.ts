import { Field, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar, JSONObjectScalar } from '../../../graph/scalars/index.js';
import { NodeInterface } from '../../../graph/node/node.interface.js';
import { encodeGlobalId } from '../../../graph/node/global-id.js';
import { connectionTypes } from '../../../graph/connection/connection.js';
import type { AuditEvent } from '../audit-event.entity.js';
import type { PublishedEvent } from '../audit-log.service.js';
import { EventCategory } from './event-catalog.type.js';

export enum ActorKind {
  CLIENT = 'client',
  USER = 'user',
  SYSTEM = 'system',
}
registerEnumType(ActorKind, { name: 'ActorKind', description: 'What kind of principal acted.' });

@ObjectType('AuditActor', { description: 'Who caused an event.' })
export class AuditActor {
  @Field(() => ActorKind, { description: 'Client, user or Signet itself.' })
  kind!: ActorKind;
  @Field(() => String, { description: 'Client id, user subject, or the system job\'s name. Opaque after a user is deleted.' })
  id!: string;
  @Field(() => String, { nullable: true, description: 'The OAuth client the actor used, if any.' })
  clientId!: string | null;
}

@ObjectType('AuditEvent', { implements: NodeInterface, description: 'One recorded event: the audit history of a tenant. Requires audit:read.' })
export class AuditEventType extends NodeInterface {
  /** Raw id, for ordering and resumption (not a field). */
  uuid!: string;
  @Field(() => String, { description: 'Event type from the closed catalog, e.g. Tenant.Created.' })
  type!: string;
  @Field(() => AuditActor, { description: 'Who caused it.' })
  actor!: AuditActor;
  @Field(() => String, { nullable: true, description: 'Type of the object the event is about, e.g. Tenant.' })
  targetType!: string | null;
  @Field(() => String, { nullable: true, description: 'Global id of the object the event is about, when it is a graph node.' })
  targetId!: string | null;
  @Field(() => String, { nullable: true, description: 'Id of the request that caused it (matches the X-Request-Id response header and the logs).' })
  requestId!: string | null;
  @Field(() => JSONObjectScalar, { description: 'Type-specific details (changed fields before/after, names). Never contains secrets.' })
  payload!: Record<string, unknown>;
  @Field(() => DateTimeScalar, { description: 'When it happened.' })
  occurredAt!: Date;
}

export function toAuditEventType(e: AuditEvent | PublishedEvent): AuditEventType {
  const targetId = e.targetType && e.targetId && /^[0-9a-f-]{36}$/.test(e.targetId) ? encodeGlobalId(e.targetType, e.targetId) : e.targetId ?? null;
  return Object.assign(new AuditEventType(), {
    id: encodeGlobalId('AuditEvent', e.id), uuid: e.id, type: e.type,
    actor: { kind: e.actorKind as ActorKind, id: e.actorId, clientId: e.actorClientId ?? null },
    targetType: e.targetType ?? null, targetId, requestId: e.requestId ?? null, payload: e.payload,
    occurredAt: typeof e.occurredAt === 'string' ? new Date(e.occurredAt) : e.occurredAt,
  });
}

export const { Edge: AuditEventEdge, Connection: AuditEventConnection } = connectionTypes(AuditEventType, 'AuditEvent');

@InputType('AuditEventFilter', { description: 'Which events to return; every given condition must hold.' })
export class AuditEventFilterInput {
  @Field(() => [String], { nullable: true, description: 'Only these event types (see the catalog).' })
  types?: string[] | null;
  @Field(() => [EventCategory], { nullable: true, description: 'Only event types of these categories.' })
  categories?: EventCategory[] | null;
  @Field(() => String, { nullable: true, description: 'Only events caused by this actor (client id, user subject or job name).' })
  actorId?: string | null;
  @Field(() => String, { nullable: true, description: 'Only events about this object (its global id, or the raw id for objects that are not graph nodes).' })
  targetId?: string | null;
  @Field(() => String, { nullable: true, description: 'Only events of this request (the X-Request-Id response header).' })
  requestId?: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'Only events at or after this instant.' })
  occurredAfter?: Date | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'Only events before this instant.' })
  occurredBefore?: Date | null;
}

@InputType('AuditEventSubscriptionFilter', { description: 'Which live events to receive.' })
export class AuditEventSubscriptionFilter {
  @Field(() => [String], { nullable: true, description: 'Only these event types.' })
  types?: string[] | null;
}
