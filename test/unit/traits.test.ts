import fc from 'fast-check';
import { applyTraits, mergeProfileTraits, type StoredTraits } from '../../src/profiles/traits';

describe('traits', () => {
  it('keeps the newest value of each trait, whatever the order of arrival', () => {
    const late = applyTraits(
      applyTraits({}, { city: 'Beijing', age: 30 }, 200, 'b'),
      { city: 'Shanghai' },
      100,
      'a',
    );
    expect(late.city?.v).toBe('Beijing');
    expect(late.age?.v).toBe(30);
  });

  it('breaks a tie of times by messageId', () => {
    const t1 = applyTraits(applyTraits({}, { x: 1 }, 5, 'm1'), { x: 2 }, 5, 'm2');
    const t2 = applyTraits(applyTraits({}, { x: 2 }, 5, 'm2'), { x: 1 }, 5, 'm1');
    expect(t1).toEqual(t2);
    expect(t1.x?.v).toBe(2);
  });

  it('is independent of the order of events (property)', () => {
    const update = fc.record({
      key: fc.constantFrom('a', 'b', 'c'),
      value: fc.integer(),
      at: fc.integer({ min: 0, max: 20 }),
      m: fc.string({ maxLength: 3 }),
    });
    fc.assert(
      fc.property(fc.array(update, { maxLength: 12 }), fc.integer(), (updates, seed) => {
        const shuffled = [...updates].sort((x, y) => ((x.at * 31 + seed) % 7) - ((y.at * 31 + seed) % 7));
        const apply = (list: typeof updates) =>
          list.reduce<StoredTraits>((acc, u) => applyTraits(acc, { [u.key]: u.value }, u.at, u.m), {});
        const a = apply(updates);
        const b = apply(shuffled);
        for (const key of ['a', 'b', 'c']) {
          expect([a[key]?.at, a[key]?.m]).toEqual([b[key]?.at, b[key]?.m]);
        }
      }),
    );
  });

  it('merges a profile: newest wins across identifiers unless a namespace is ranked higher', () => {
    const crm: StoredTraits = { name: { v: 'Ann (CRM)', at: 1, m: 'a' }, tier: { v: 'gold', at: 1, m: 'a' } };
    const app: StoredTraits = { name: { v: 'annie', at: 9, m: 'b' }, city: { v: 'Wuhan', at: 9, m: 'b' } };
    const members = [
      { namespace: 'crm_id', traits: crm },
      { namespace: 'anonymous_id', traits: app },
    ];
    expect(mergeProfileTraits(members, [])).toEqual({ name: 'annie', tier: 'gold', city: 'Wuhan' });
    expect(mergeProfileTraits(members, ['crm_id'])).toEqual({
      name: 'Ann (CRM)',
      tier: 'gold',
      city: 'Wuhan',
    });
  });

  it('unsets a trait whose newest value is null', () => {
    const traits = applyTraits(applyTraits({}, { nickname: 'x' }, 1, 'a'), { nickname: null }, 2, 'b');
    expect(mergeProfileTraits([{ namespace: 'user_id', traits }], [])).toEqual({});
  });
});
