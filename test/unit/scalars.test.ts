import { graphql, GraphQLObjectType, GraphQLSchema } from 'graphql';
import { GraphQLDateTime } from 'graphql-scalars';
import { DateTimeScalar } from '../../src/common/scalars';

describe('DateTime scalar', () => {
  it('serialises a Date to the text JSON.stringify gave it under graphql-scalars', () => {
    for (const ms of [0, 1_764_000_000_123, -86_400_000, Date.UTC(2026, 10, 27, 23, 59, 59, 999)]) {
      const date = new Date(ms);
      const serialised = DateTimeScalar.serialize(date);
      expect(typeof serialised).toBe('string');
      expect(JSON.stringify(serialised)).toBe(JSON.stringify(GraphQLDateTime.serialize(date)));
    }
  });

  it('serialises ISO strings and epoch milliseconds as graphql-scalars does, to text', () => {
    expect(DateTimeScalar.serialize('2026-11-27T16:00:00+08:00')).toBe('2026-11-27T08:00:00.000Z');
    expect(DateTimeScalar.serialize(1_764_000_000_123)).toBe(new Date(1_764_000_000_123).toISOString());
  });

  it('refuses what graphql-scalars refuses, with its message', () => {
    expect(() => DateTimeScalar.serialize(new Date(Number.NaN))).toThrow(
      'DateTime cannot represent an invalid Date instance',
    );
    expect(() => DateTimeScalar.serialize('yesterday')).toThrow('invalid date-time-string yesterday');
    expect(() => DateTimeScalar.serialize({})).toThrow('non string, non numeric or non Date type');
  });

  it('keeps graphql-scalars’ name, description and input parsing', () => {
    expect(DateTimeScalar.name).toBe('DateTime');
    expect(DateTimeScalar.description).toBe(GraphQLDateTime.description);
    expect(DateTimeScalar.parseValue('2026-11-27T08:00:00Z')).toEqual(new Date('2026-11-27T08:00:00Z'));
  });

  it('leaves no Date in an execution result', async () => {
    const at = new Date(1_764_000_000_123);
    const schema = new GraphQLSchema({
      query: new GraphQLObjectType({
        name: 'Query',
        fields: { at: { type: DateTimeScalar, resolve: () => at } },
      }),
    });
    const result = await graphql({ schema, source: '{ at }' });
    expect(result).toEqual({ data: { at: '2025-11-24T16:00:00.123Z' } });
  });
});
