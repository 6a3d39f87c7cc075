import { graphql, GraphQLObjectType, GraphQLSchema } from 'graphql';
import { GraphQLDateTime } from 'graphql-scalars';
import { DateTimeScalar, isoText } from '../../src/common/scalars';

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

  describe('isoText', () => {
    it('writes what toISOString writes, at the edges of days, months, leap years and its range', () => {
      const edges = [
        0,
        1,
        86_399_999,
        86_400_000,
        Date.UTC(2000, 1, 29, 12),
        Date.UTC(2100, 1, 28, 23, 59, 59, 999),
        Date.UTC(2100, 2, 1),
        Date.UTC(2024, 11, 31, 23, 59, 59, 999),
        Date.UTC(9999, 11, 31, 23, 59, 59, 999),
        Date.UTC(10000, 0, 1),
        -1,
        Date.UTC(1969, 11, 31),
        -62_198_755_200_000, // year 0
        8.64e15,
      ];
      for (const ms of edges) expect(isoText(ms)).toBe(new Date(ms).toISOString());
    });

    it('writes what toISOString writes for 50,000 random times from 1900 to 10100', () => {
      // A seeded sequence (an LCG), so that a failure names a time that fails again.
      let state = 12345;
      const next = () => (state = (state * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
      const from = Date.UTC(1900, 0, 1);
      const span = Date.UTC(10100, 0, 1) - from;
      const wrong: number[] = [];
      for (let i = 0; i < 50_000; i++) {
        const ms = from + Math.floor(next() * span);
        if (isoText(ms) !== new Date(ms).toISOString()) wrong.push(ms);
      }
      expect(wrong.slice(0, 5)).toEqual([]);
    });

    it('refuses an invalid time as toISOString does', () => {
      expect(() => isoText(Number.NaN)).toThrow(RangeError);
    });
  });
});
