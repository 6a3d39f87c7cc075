import { Field, ID, Int, ObjectType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { PageInfo } from '../common/connection';

@ObjectType({ description: 'One person: the identifiers stitched together, with what is known of them.' })
export class Profile {
  @Field(() => ID)
  id!: string;

  @Field(() => GraphQLJSON, {
    description:
      'Traits merged from every identity of the profile (the newest value wins unless a namespace is ranked higher).',
  })
  traits!: Record<string, unknown>;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;

  @Field(() => Date, { nullable: true, description: 'Time of the earliest event of any of its identifiers.' })
  firstSeen!: Date | null;

  @Field(() => Date, { nullable: true, description: 'Time of the latest event of any of its identifiers.' })
  lastSeen!: Date | null;
}

@ObjectType()
export class ProfileEdge {
  @Field()
  cursor!: string;

  @Field(() => Profile)
  node!: Profile;
}

@ObjectType()
export class ProfileConnection {
  @Field(() => [ProfileEdge])
  edges!: ProfileEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: number;
}
