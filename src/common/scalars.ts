import { GraphQLDateTime, GraphQLJSON } from 'graphql-scalars';
import type { BuildSchemaOptions } from 'type-graphql';

/** The contract's scalars: `DateTime` (ISO-8601 with zone) for JS Dates, and `JSON`. */
export { GraphQLDateTime as DateTimeScalar, GraphQLJSON as JSONScalar };

export const scalarsMap: NonNullable<BuildSchemaOptions['scalarsMap']> = [
  { type: Date, scalar: GraphQLDateTime },
];

/** Epoch milliseconds as stored in the graph to a Date for the API (null stays null). */
export function toDate(ms: unknown): Date | null {
  return typeof ms === 'number' && Number.isFinite(ms) ? new Date(ms) : null;
}
