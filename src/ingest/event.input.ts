import { Field, ID, InputType, registerEnumType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';

export enum EventTypeEnum {
  IDENTIFY = 'IDENTIFY',
  TRACK = 'TRACK',
  ALIAS = 'ALIAS',
  PAGE = 'PAGE',
  SCREEN = 'SCREEN',
}
registerEnumType(EventTypeEnum, {
  name: 'EventType',
  description: 'The Segment call types Portrait ingests.',
});

@InputType({ description: "One event in the Segment spec's shape." })
export class EventInput {
  @Field(() => EventTypeEnum)
  type!: EventTypeEnum;

  @Field(() => ID)
  messageId!: string;

  @Field(() => Date, { nullable: true, description: 'When it happened; the time received when absent.' })
  timestamp?: Date | null;

  @Field(() => String, { nullable: true })
  userId?: string | null;

  @Field(() => String, { nullable: true })
  anonymousId?: string | null;

  @Field(() => String, { nullable: true, description: 'For ALIAS: the anonymous id the user was known by.' })
  previousId?: string | null;

  @Field(() => String, { nullable: true, description: 'For TRACK: the event name, e.g. Order Completed.' })
  event?: string | null;

  @Field(() => String, { nullable: true, description: 'For PAGE and SCREEN: the page or screen name.' })
  name?: string | null;

  @Field(() => GraphQLJSON, { nullable: true })
  traits?: Record<string, unknown> | null;

  @Field(() => GraphQLJSON, { nullable: true })
  properties?: Record<string, unknown> | null;

  @Field(() => GraphQLJSON, { nullable: true })
  context?: Record<string, unknown> | null;
}
