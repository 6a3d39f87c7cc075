import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { scalarsMap } from '../common/scalars';
import { IdentityHealthResolver, IdentityResolver } from '../identity/identity.resolver';
import { IngestResolver } from '../ingest/ingest.resolver';
import { JobResolver } from '../jobs/job.resolver';
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
] as const;

/** The executable schema, built from the resolver classes. */
export function buildPortraitSchema(): Promise<GraphQLSchema> {
  return buildSchema({ resolvers: [...resolvers], scalarsMap, validate: false });
}

/** The SDL as checked in at schema/schema.graphql: sorted, so that diffs show real changes only. */
export function printSortedSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
