import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { IdentityKind as Kind } from './namespaces';

export enum IdentityKind {
  ACCOUNT = 'ACCOUNT',
  DEVICE = 'DEVICE',
  CONTACT = 'CONTACT',
}
registerEnumType(IdentityKind, {
  name: 'IdentityKind',
  description: 'What an identifier stands for: a login account, a device or browser, or a contact point.',
});

@ObjectType({
  simpleResolvers: true,
  description: 'An identifier in a namespace (user_id, anonymous_id, email, phone, device_id, ...).',
})
export class Identifier {
  @Field()
  namespace!: string;

  @Field({
    description:
      'Masked (for example a***@example.com, 138****8000) unless the caller may read personal data.',
  })
  value!: string;

  @Field(() => IdentityKind)
  kind!: Kind;

  @Field()
  firstSeen!: Date;

  @Field()
  lastSeen!: Date;

  @Field({
    description:
      'True for a device or contact point used by several accounts: listed on each, bridging none.',
  })
  shared!: boolean;

  @Field(() => Int, { description: 'Evidence links of this identifier that a namespace limit refused.' })
  conflicts!: number;
}

@ObjectType({ simpleResolvers: true, description: 'A change in which identifiers make up a profile.' })
export class IdentityChange {
  @Field({
    description:
      'MERGED: the profile otherId was merged into this one; SPLIT_FROM: this profile was split off otherId; SPLIT_INTO: identifiers of this profile went to otherId.',
  })
  kind!: string;

  @Field({ description: 'When Portrait made the change.' })
  at!: Date;

  @Field(() => ID)
  otherId!: string;

  @Field(() => ID, { nullable: true, description: 'The event whose evidence caused a merge.' })
  messageId!: string | null;

  @Field(() => Date, { nullable: true, description: 'When that event happened.' })
  eventAt!: Date | null;
}

@ObjectType({
  simpleResolvers: true,
  description:
    'One piece of evidence that joined two identifiers: the event that carried both, and the rule that accepted it.',
})
export class IdentityLink {
  @Field(() => Identifier)
  from!: Identifier;

  @Field(() => Identifier)
  to!: Identifier;

  @Field(() => ID, { nullable: true })
  messageId!: string | null;

  @Field()
  at!: Date;

  @Field({ description: 'identify, alias, or same-event (a track, page or screen call carried both).' })
  rule!: string;
}
