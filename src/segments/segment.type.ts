import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';

export enum MembershipChange {
  ENTERED = 'ENTERED',
  EXITED = 'EXITED',
}
registerEnumType(MembershipChange, { name: 'MembershipChange' });

export enum SegmentPurpose {
  MARKETING = 'marketing',
  ANALYTICS = 'analytics',
  PERSONALIZATION = 'personalization',
}
registerEnumType(SegmentPurpose, {
  name: 'SegmentPurpose',
  description: 'What a segment is used for: profiles that refused consent for that purpose never enter it.',
});

@ObjectType({
  simpleResolvers: true,
  description: 'An audience defined by a rule, kept up to date as events arrive and time passes.',
})
export class Segment {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => GraphQLJSON, { description: 'The rule, in the same rule language as tags.' })
  rule!: unknown;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => SegmentPurpose)
  purpose!: SegmentPurpose;

  /** Members now: resolved by SegmentSizeResolver when the read did not count them. */
  size?: number;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;

  @Field({ description: 'True once deleted (the change log still refers to it).' })
  deleted!: boolean;
}

@ObjectType({ simpleResolvers: true })
export class SegmentMembershipChange {
  @Field({
    description: 'Position in the durable change log; pass it back as `after` to resume without a gap.',
  })
  cursor!: string;

  /** Resolved through the segment loader. */
  segmentId!: string;

  @Field(() => ID)
  profileId!: string;

  @Field(() => MembershipChange)
  change!: MembershipChange;

  @Field()
  at!: Date;
}

@ObjectType({ simpleResolvers: true })
export class SegmentSizePoint {
  @Field({ description: 'The end of the day (UTC).' })
  day!: Date;

  @Field(() => Int)
  size!: number;
}

@ObjectType({ simpleResolvers: true })
export class SegmentOverlap {
  @Field(() => Int)
  size!: number;

  @Field(() => Int)
  otherSize!: number;

  @Field(() => Int, { description: 'Profiles in both.' })
  both!: number;

  @Field(() => Float, { description: 'Jaccard index: both / members of either.' })
  jaccard!: number;
}

@ObjectType({ simpleResolvers: true })
export class SegmentBreakdownRow {
  /** Resolved through the tag catalogue. */
  tagId!: string;

  @Field(() => Int)
  profiles!: number;

  @Field(() => Float, { description: 'Share of the segment with the tag.' })
  share!: number;
}
