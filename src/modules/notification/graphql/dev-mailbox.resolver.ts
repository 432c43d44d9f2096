import { Arg, Authorized, Ctx, Field, ID, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { encodeGlobalId } from '../../../graph/node/global-id.js';
import { DateTimeScalar } from '../../../graph/scalars/index.js';
import type { RequestContext } from '../../../shared/request-context.js';
import { DevMail } from '../dev-mail.entity.js';
import { DevSms } from '../dev-sms.entity.js';

@ObjectType('DevMailMessage', { description: 'A message the development mail transport kept instead of sending (development and tests only).' })
export class DevMailMessageType {
  @Field(() => ID, { description: 'Opaque id of the message.' })
  id!: string;
  @Field(() => String, { description: 'Recipient address.' })
  to!: string;
  @Field(() => String, { description: 'Subject line.' })
  subject!: string;
  @Field(() => String, { description: 'Plain-text body (may contain single-use tokens).' })
  text!: string;
  @Field(() => String, { nullable: true, description: 'HTML body.' })
  html!: string | null;
  @Field(() => DateTimeScalar, { description: 'When the message was sent.' })
  sentAt!: Date;
}

/** Only in the schema when NODE_ENV !== 'production' (src/app/graphql.ts builds the resolver list). */
@Resolver()
export class DevMailboxResolver {
  @Authorized('users:read')
  @Query(() => [DevMailMessageType], {
    description: 'Development only: messages the development mail transport kept (newest first), in the current tenant, optionally for one recipient. '
      + 'Absent from the schema when NODE_ENV=production; schema.graphql is printed in development mode, so it lists this field. Requires users:read.',
  })
  async devMailbox(
    @Arg('to', () => String, { nullable: true, description: 'Only messages to this address (case-insensitive).' }) to: string | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20, description: 'At most this many messages (1-100, default 20).' }) first: number,
    @Ctx() ctx: RequestContext,
  ): Promise<DevMailMessageType[]> {
    const rows = await ctx.em.find(DevMail, to ? { to: to.trim().toLowerCase() } : {}, {
      orderBy: { createdAt: 'DESC', id: 'DESC' }, limit: Math.min(Math.max(first, 1), 100),
    });
    return rows.map((m) => Object.assign(new DevMailMessageType(), {
      id: encodeGlobalId('DevMail', m.id), to: m.to, subject: m.subject, text: m.text, html: m.html ?? null, sentAt: m.createdAt,
    }));
  }
}

@ObjectType('DevTextMessage', { description: 'A text message the development SMS transport kept instead of sending (development and tests only).' })
export class DevTextMessageType {
  @Field(() => ID, { description: 'Opaque id of the message.' })
  id!: string;
  @Field(() => String, { description: 'Recipient phone number (E.164).' })
  to!: string;
  @Field(() => String, { description: 'The text (may contain one-time codes).' })
  text!: string;
  @Field(() => DateTimeScalar, { description: 'When the message was sent.' })
  sentAt!: Date;
}

/** Only in the schema when NODE_ENV !== 'production', like devMailbox. */
@Resolver()
export class DevTextMessagesResolver {
  @Authorized('users:read')
  @Query(() => [DevTextMessageType], {
    description: 'Development only: text messages the development SMS transport kept (newest first), in the current tenant, optionally for one number. '
      + 'Absent from the schema when NODE_ENV=production. Requires users:read.',
  })
  async devTextMessages(
    @Arg('to', () => String, { nullable: true, description: 'Only messages to this number.' }) to: string | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20, description: 'At most this many messages (1-100, default 20).' }) first: number,
    @Ctx() ctx: RequestContext,
  ): Promise<DevTextMessageType[]> {
    const rows = await ctx.em.find(DevSms, to ? { to: to.trim() } : {}, { orderBy: { createdAt: 'DESC', id: 'DESC' }, limit: Math.min(Math.max(first, 1), 100) });
    return rows.map((m) => Object.assign(new DevTextMessageType(), { id: encodeGlobalId('DevSms', m.id), to: m.to, text: m.text, sentAt: m.createdAt }));
  }
}
