import { Field, ObjectType } from 'type-graphql';
import { connectionTypes } from '../../../graph/connection/connection.js';
import { encodeGlobalId } from '../../../graph/node/global-id.js';
import { NodeInterface } from '../../../graph/node/node.interface.js';
import { DateTimeScalar } from '../../../graph/scalars/index.js';
import type { SessionView } from '../session.service.js';

@ObjectType('Session', { implements: NodeInterface, description: 'A live browser (SSO) session of a user at this tenant. Requires users:read.' })
export class SessionType extends NodeInterface {
  /** Internal row id, the OIDC `sid` (not a GraphQL field). */
  uuid!: string;
  subject!: string;
  @Field(() => String, { nullable: true, description: 'User agent of the browser that signed in (device). Requires users:read.' })
  userAgent!: string | null;
  @Field(() => String, { nullable: true, description: 'IP address the sign-in came from. Requires users:read.' })
  ip!: string | null;
  @Field(() => [String], { description: 'Authentication methods used (`amr`), e.g. ["pwd"]. Requires users:read.' })
  authenticationMethods!: string[];
  @Field(() => DateTimeScalar, { description: 'When the user authenticated (`auth_time`). Requires users:read.' })
  authenticatedAt!: Date;
  @Field(() => DateTimeScalar, { description: 'When the session started. Requires users:read.' })
  createdAt!: Date;
  @Field(() => DateTimeScalar, { description: 'When the session was last used at the authorization endpoint. Requires users:read.' })
  lastActiveAt!: Date;
  @Field(() => DateTimeScalar, { description: 'When the session expires (tenant session TTL). Requires users:read.' })
  expiresAt!: Date;
}

export function toSessionType(s: SessionView): SessionType {
  return Object.assign(new SessionType(), {
    id: encodeGlobalId('Session', s.id), uuid: s.id, subject: s.subject, userAgent: s.userAgent, ip: s.ip, authenticationMethods: s.amr,
    authenticatedAt: s.authTime, createdAt: s.createdAt, lastActiveAt: s.lastActiveAt, expiresAt: s.expiresAt,
  });
}

export const { Edge: SessionEdge, Connection: SessionConnection } = connectionTypes(SessionType, 'Session');
