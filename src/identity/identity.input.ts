import { Field, InputType } from 'type-graphql';

@InputType({
  description:
    'An identity namespace: user_id, anonymous_id, email, phone, device_id, or a configured one (wechat_openid, ...).',
})
export class IdentifierInput {
  @Field()
  namespace!: string;

  @Field()
  value!: string;
}
