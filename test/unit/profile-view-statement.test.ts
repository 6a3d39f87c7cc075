import { EMPTY_PLAN, type ViewPlan } from '../../src/profiles/profile-view';
import { composeView, viewStatement } from '../../src/profiles/profile-view-statement';
import { TYPICAL_VIEW_PLAN } from '../helpers/view-plans';

// The view statement composed for a plan, in the style of a TCK: plan in, Cypher out. Every plan variant is
// also planned by the real database in test/integration/cypher.test.ts.

describe('composeView', () => {
  it('reads only the profile when nothing else is asked', () => {
    expect(composeView(EMPTY_PLAN)).toMatchInlineSnapshot(`
     "UNWIND $keys AS k
     OPTIONAL MATCH (live:Profile {id: k.id})
     OPTIONAL MATCH (:MergedProfile {id: k.id})-[:MERGED_INTO]->(survivor:Profile)
     OPTIONAL MATCH (:Identifier {namespace: k.namespace, value: k.value})-[:IN]->(owner:Profile)
     WITH k, coalesce(live, survivor, owner) AS p
     WHERE p IS NOT NULL
     RETURN k.i AS i, p {.id} AS profile"
    `);
  });

  it('reads every part lean, and a first page without a cursor test, for the usual selection', () => {
    expect(composeView(TYPICAL_VIEW_PLAN)).toMatchInlineSnapshot(`
     "UNWIND $keys AS k
     OPTIONAL MATCH (live:Profile {id: k.id})
     OPTIONAL MATCH (:MergedProfile {id: k.id})-[:MERGED_INTO]->(survivor:Profile)
     OPTIONAL MATCH (:Identifier {namespace: k.namespace, value: k.value})-[:IN]->(owner:Profile)
     WITH k, coalesce(live, survivor, owner) AS p
     WHERE p IS NOT NULL
     CALL (p) {
     MATCH (p)<-[r:IN|SHARED_IN]-(i:Identifier)
     WITH i, type(r) = 'SHARED_IN' AS shared ORDER BY i.namespace, i.value
     RETURN collect(i {.namespace, .value, .kind, shared: shared}) AS identifiers
     }
     CALL (p) {
     MATCH (p)-[r:HAS_TAG]->(t:Tag)
     WHERE t.deleted IS NULL
     WITH r, t ORDER BY t.name
     RETURN collect({score: r.score, since: r.since, tag: t {.id, .name}}) AS tags
     }
     CALL (p) {
     MATCH (p)-[:MEMBER_OF]->(s:Segment)
     WITH s ORDER BY s.name
     RETURN collect(s {.id, .name}) AS segments
     }
     CALL (p) {
     MATCH (p)<-[:IN]-(:Identifier)-[:DID]->(x:Interaction)
     WITH x ORDER BY x.at DESC, x.id DESC LIMIT toInteger($first) + 1
     OPTIONAL MATCH (x)-[:ON]->(product:Product)
     RETURN collect(x {.id, .event, .at, .productId, .quantity, .value, product: product {.id, .name, .category, .price, .brand}}) AS page
     }
     RETURN k.i AS i, p {.id} AS profile, identifiers, tags, segments, page"
    `);
  });

  it('reads every record whole, segment sizes, a later page with properties and the count when asked', () => {
    const plan: ViewPlan = {
      whole: { profile: true, identifiers: true, tags: true, segments: true },
      identifiers: true,
      tags: true,
      segments: true,
      segmentSize: true,
      interactions: { first: 5, after: { at: 1, id: 'x' }, count: true, products: false, properties: true },
    };
    expect(composeView(plan)).toMatchInlineSnapshot(`
     "UNWIND $keys AS k
     OPTIONAL MATCH (live:Profile {id: k.id})
     OPTIONAL MATCH (:MergedProfile {id: k.id})-[:MERGED_INTO]->(survivor:Profile)
     OPTIONAL MATCH (:Identifier {namespace: k.namespace, value: k.value})-[:IN]->(owner:Profile)
     WITH k, coalesce(live, survivor, owner) AS p
     WHERE p IS NOT NULL
     CALL (p) {
     MATCH (p)<-[r:IN|SHARED_IN]-(i:Identifier)
     WITH i, type(r) = 'SHARED_IN' AS shared ORDER BY i.namespace, i.value
     RETURN collect(i {.namespace, .value, .kind, .firstSeen, .lastSeen, .conflicts, shared: shared}) AS identifiers
     }
     CALL (p) {
     MATCH (p)-[r:HAS_TAG]->(t:Tag)
     WHERE t.deleted IS NULL
     WITH r, t ORDER BY t.name
     RETURN collect({score: r.score, since: r.since, tag: t {.id, .name, .kind, .rule, .description}}) AS tags
     }
     CALL (p) {
     MATCH (p)-[:MEMBER_OF]->(s:Segment)
     WITH s ORDER BY s.name
     RETURN collect(s {.id, .name, .rule, .description, .purpose, .createdAt, .updatedAt, .deleted, .deletedAt, size: COUNT { (s)<-[:MEMBER_OF]-(:Profile) }}) AS segments
     }
     CALL (p) {
     MATCH (p)<-[:IN]-(:Identifier)-[:DID]->(x:Interaction)
     WHERE x.at < $afterAt OR (x.at = $afterAt AND x.id < $afterId)
     WITH x ORDER BY x.at DESC, x.id DESC LIMIT toInteger($first) + 1
     RETURN collect(x {.id, .event, .at, .productId, .quantity, .value, .properties}) AS page
     }
     CALL (p) {
     MATCH (p)<-[:IN]-(:Identifier)-[:DID]->(x:Interaction)
     RETURN count(x) AS total
     }
     RETURN k.i AS i, p {.id, .traits, .createdAt, .updatedAt, .firstSeen, .lastSeen, .lifecycleStage, .orders, .monetary, .lastOrderAt, .rfmScore} AS profile, identifiers, tags, segments, page, total"
    `);
  });

  it('fits a typical read in one Bolt chunk (1,400 bytes with its parameters)', () => {
    expect(Buffer.byteLength(composeView(TYPICAL_VIEW_PLAN))).toBeLessThan(1_200);
  });

  it('composes once per plan object', () => {
    const plan = { ...TYPICAL_VIEW_PLAN };
    expect(viewStatement(plan)).toBe(viewStatement(plan));
    expect(viewStatement(plan).name).toBe('profiles.profileViews');
    expect(viewStatement({ ...TYPICAL_VIEW_PLAN })).not.toBe(viewStatement(plan));
  });
});
