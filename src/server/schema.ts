import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { createPubSub } from '@graphql-yoga/subscription';
import { buildSchema } from 'type-graphql';
import { auditMiddleware } from '../audit/audit.middleware';
import { scalarsMap } from '../common/scalars';
import { maskingMiddleware } from '../privacy/masking';
import { PrivacyResolver } from '../privacy/privacy.resolver';
import { recommendationResolvers } from '../recommendations/wiring';
import { authChecker } from '../security/auth-checker';
import { SecurityResolver } from '../security/security.resolver';
import { IdentityHealthResolver, IdentityResolver } from '../identity/identity.resolver';
import { IngestResolver } from '../ingest/ingest.resolver';
import { JobResolver } from '../jobs/job.resolver';
import {
  SegmentBreakdownRowResolver,
  SegmentMembershipChangeResolver,
  SegmentResolver,
} from '../segments/segment.resolver';
import { ModelsResolver } from '../tags/models.resolver';
import { ProfileTagResolver, TagCategoryResolver, TagResolver } from '../tags/tag.resolver';
import { ProductResolver } from '../products/product.resolver';
import { InteractionResolver } from '../profiles/interaction.resolver';
import { ProfileResolver } from '../profiles/profile.resolver';

export const resolvers = [
  ProfileResolver,
  InteractionResolver,
  ProductResolver,
  IngestResolver,
  IdentityResolver,
  IdentityHealthResolver,
  JobResolver,
  TagCategoryResolver,
  TagResolver,
  ProfileTagResolver,
  SegmentResolver,
  SegmentMembershipChangeResolver,
  SegmentBreakdownRowResolver,
  ModelsResolver,
  PrivacyResolver,
  SecurityResolver,
  ...recommendationResolvers,
] as const;

/**
 * The executable schema, built from the resolver classes: every field checks its @Authorized permissions,
 * mutations and personal-data reads are audited, and personal fields are masked for callers without
 * pii:read (`personalTraits`: configured traits masked besides the built-in ones).
 */
export function buildPortraitSchema(personalTraits: readonly string[] = []): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [...resolvers],
    scalarsMap,
    validate: false,
    authChecker,
    authMode: 'error',
    globalMiddlewares: [auditMiddleware, maskingMiddleware(personalTraits)],
    // Subscriptions stream from the change log (segments/change-stream.ts) through their own `subscribe`;
    // type-graphql still insists on a PubSub, which stays unused.
    pubSub: createPubSub(),
  });
}

/** The SDL as checked in at schema/schema.graphql: sorted, so that diffs show real changes only. */
export function printSortedSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
