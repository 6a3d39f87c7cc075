import { Field, ObjectType, registerEnumType } from 'type-graphql';
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
}
