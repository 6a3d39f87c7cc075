// Phase 2 of the related-products refresh, for a batch of pending products: takes the pending mark off and
// reads, for each, the products engaged together with it by live profiles with the sums behind support,
// co-purchases and cosine (weights decayed to $now), that product's statistics, list state and relation towards
// it, and the ids of the products whose related lists point at it. Without $patch (a full refresh) the last two
// are not read: up to 50 relationships per pair, for every pair of products engaged together, outweighed the
// rest of the refresh.
//
// Only the products that can matter are returned: a best-seller is engaged together with most of the catalogue
// (tens of thousands of products, each row a map the refresh held in memory). Each pair's score is computed here
// as association.ts computes it (cosine of the decayed weights × support / (support + $shrink), rounded to 1e-6)
// and the pair is returned when it is among the 2 × $k (twice the list length) best that have the support, or,
// with $patch, when the other product's list would change: it holds a relation towards this one that lost the
// support or moved (by more than $tolerance, see association.ts `moved`), or it does not and would take one.
// The ids of the other lists that hold a relation that stays as it is come back as `held`, so that Node does
// not take them for relations to drop. Node computes every figure again and decides itself; the 2 × $k and the
// margins on scores leave room for a score that rounds differently here (Java's pow against V8's).
// params: $ids: product ids, $now, $halfLifeMs, $patch, $k: list length, $minSupport, $shrink, $tolerance
UNWIND $ids AS id
MATCH (a:Product {id: id})
REMOVE a.relatedPending
WITH a,
  CASE WHEN a.statsAt IS NULL THEN coalesce(a.engagementNorm, 0.0)
    ELSE coalesce(a.engagementNorm, 0.0) * 2 ^ ((a.statsAt - $now) / $halfLifeMs) END AS normA
CALL {
  WITH a, normA
  OPTIONAL MATCH (a)<-[ea:ENGAGED]-(p:Profile)-[eb:ENGAGED]->(b:Product)
  WHERE b <> a
  WITH a, normA, b, count(p) AS support,
    count(CASE WHEN ea.purchases > 0 AND eb.purchases > 0 THEN 1 END) AS bothBought,
    sum(ea.weight * 2 ^ ((ea.lastAt - $now) / $halfLifeMs) * eb.weight * 2 ^ ((eb.lastAt - $now) / $halfLifeMs)) AS dot
  WHERE b IS NOT NULL
  WITH a, b, support, bothBought, dot, normA * CASE WHEN b.statsAt IS NULL THEN coalesce(b.engagementNorm, 0.0)
    ELSE coalesce(b.engagementNorm, 0.0) * 2 ^ ((b.statsAt - $now) / $halfLifeMs) END AS norms
  WITH a, b, support, bothBought, dot, CASE WHEN norms > 0 THEN dot / norms ELSE 0.0 END AS cosine
  WITH a, b, support, bothBought, dot,
    round(CASE WHEN cosine > 1 THEN 1.0 WHEN cosine < 0 THEN 0.0 ELSE cosine END * support / (support + $shrink)
      * 1000000.0) / 1000000.0 AS score,
    CASE WHEN $patch THEN [(b)-[r:RELATED]->(a) | r {.score, .support, .bothBought}][0] END AS back
  ORDER BY score DESC, support DESC, b.id
  WITH collect({id: b.id, support: support, bothBought: bothBought, dot: dot,
    engagedProfiles: coalesce(b.engagedProfiles, 0), norm: coalesce(b.engagementNorm, 0.0), statsAt: b.statsAt,
    relatedCount: coalesce(b.relatedCount, 0), relatedMinScore: b.relatedMinScore, back: back,
    qualifies: support >= $minSupport AND score > 0,
    patches: $patch AND CASE WHEN back IS NOT NULL
      THEN support < $minSupport OR score <= 0 OR back.support <> support OR back.bothBought <> bothBought
        OR abs(score - back.score) > $tolerance * back.score - 0.000002
      ELSE support >= $minSupport AND score > 0 AND (coalesce(b.relatedCount, 0) < $k OR b.relatedMinScore IS NULL
        OR score >= b.relatedMinScore - 0.000001) END
  }) AS pairs
  WITH pairs, [i IN range(0, size(pairs) - 1) WHERE pairs[i].qualifies][..toInteger(2 * $k)] AS best
  WITH pairs, coalesce(best[-1], -1) AS last
  WITH [p IN pairs WHERE p.back IS NOT NULL AND NOT p.patches | p.id] AS held,
    [i IN range(0, size(pairs) - 1) WHERE (i <= last AND pairs[i].qualifies) OR pairs[i].patches | pairs[i]] AS kept
  // One row even when nothing is kept: `held` groups the rows below, and no row would drop the product.
  UNWIND CASE WHEN kept = [] THEN [null] ELSE kept END AS o
  RETURN held, collect(o {.id, .support, .bothBought, .dot, .engagedProfiles, .norm, .statsAt, .relatedCount,
    .relatedMinScore, .back}) AS others
}
RETURN a.id AS id, coalesce(a.engagedProfiles, 0) AS engagedProfiles, coalesce(a.engagementNorm, 0.0) AS norm,
  a.statsAt AS statsAt, others, held,
  CASE WHEN $patch THEN COLLECT { MATCH (b:Product)-[:RELATED]->(a) RETURN b.id } ELSE [] END AS pointing
