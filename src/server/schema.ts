import {
  defaultFieldResolver,
  isObjectType,
  lexicographicSortSchema,
  printSchema,
  type GraphQLSchema,
} from 'graphql';
import type { MiddlewareFn } from 'type-graphql';
import { createPubSub } from '@graphql-yoga/subscription';
import { buildSchema } from 'type-graphql';
import { auditMiddleware, isAudited } from '../audit/audit.middleware';
import { scalarsMap } from '../common/scalars';
import { maskingMiddleware, PERSONAL_FIELDS } from '../privacy/masking';
import { PrivacyResolver } from '../privacy/privacy.resolver';
import { recommendationResolvers } from '../recommendations/wiring';
import { authChecker } from '../security/auth-checker';
import type { Context } from './context';
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
import { InteractionConnectionResolver, InteractionResolver } from '../profiles/interaction.resolver';
import { SegmentSizeResolver } from '../segments/segment-size.resolver';
import { ProfileResolver } from '../profiles/profile.resolver';

export const resolvers = [
  ProfileResolver,
  InteractionResolver,
  InteractionConnectionResolver,
  ProductResolver,
  IngestResolver,
  IdentityResolver,
  IdentityHealthResolver,
  JobResolver,
  TagCategoryResolver,
  TagResolver,
  ProfileTagResolver,
  SegmentResolver,
  SegmentSizeResolver,
  SegmentMembershipChangeResolver,
  SegmentBreakdownRowResolver,
  ModelsResolver,
  PrivacyResolver,
  SecurityResolver,
  ...recommendationResolvers,
] as const;

/** Runs `middleware` around the resolver of `Type.field` (type-graphql's middleware contract). */
function wrapField(schema: GraphQLSchema, coordinate: string, middleware: MiddlewareFn<Context>): void {
  const [typeName, fieldName] = coordinate.split('.') as [string, string];
  const type = schema.getType(typeName);
  const field = isObjectType(type) ? type.getFields()[fieldName] : undefined;
  if (!field) throw new Error(`no field ${coordinate} to wrap`);
  const resolve = field.resolve ?? defaultFieldResolver;
  field.resolve = (root, args, context: Context, info) =>
    middleware({ root, args, context, info }, async () => resolve(root, args, context, info));
}

/**
 * The executable schema, built from the resolver classes: every field checks its @Authorized permissions,
 * mutations and personal-data reads are audited, and personal fields are masked for callers without
 * pii:read (`personalTraits`: configured traits masked besides the built-in ones).
 * Auditing and masking wrap exactly the fields they concern rather than every field (as type-graphql's
 * global middlewares would): a profile read resolves hundreds of fields, nearly all of them plain values. For
 * the same reason every object type is declared with `simpleResolvers`: its plain fields are read as
 * properties, and type-graphql would ignore auth or middleware on them (test/unit/schema.test.ts refuses any).
 */
export async function buildPortraitSchema(personalTraits: readonly string[] = []): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: [...resolvers],
    scalarsMap,
    validate: false,
    authChecker,
    authMode: 'error',
    // Subscriptions stream from the change log (segments/change-stream.ts) through their own `subscribe`;
    // type-graphql still insists on a PubSub, which stays unused.
    pubSub: createPubSub(),
  });
  const masking = maskingMiddleware(personalTraits);
  for (const coordinate of Object.keys(PERSONAL_FIELDS)) wrapField(schema, coordinate, masking);
  for (const root of [schema.getQueryType(), schema.getMutationType()]) {
    for (const name of Object.keys(root?.getFields() ?? {})) {
      const coordinate = `${root!.name}.${name}`;
      if (isAudited(coordinate)) wrapField(schema, coordinate, auditMiddleware);
    }
  }
  return schema;
}

/** The SDL as checked in at schema/schema.graphql: sorted, so that diffs show real changes only. */
export function printSortedSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
