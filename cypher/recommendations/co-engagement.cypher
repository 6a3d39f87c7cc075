// Phase 2 of the related-products refresh, for a batch of pending products: takes the pending mark off and
// reads, for each, every product engaged together with it by live profiles with the sums behind support,
// co-purchases and cosine (weights decayed to $now), that product's statistics, list state and relation towards
// it, and the ids of the products whose related lists point at it. Without $patch (a full refresh) the last two
// are not read: up to 50 relationships per pair, for every pair of products engaged together, outweighed the
// rest of the refresh.
// params: $ids: product ids, $now, $halfLifeMs, $patch
UNWIND $ids AS id
MATCH (a:Product {id: id})
REMOVE a.relatedPending
WITH a
CALL {
  WITH a
  OPTIONAL MATCH (a)<-[ea:ENGAGED]-(p:Profile)-[eb:ENGAGED]->(b:Product)
  WHERE b <> a
  WITH a, b, count(p) AS support, count(CASE WHEN ea.purchases > 0 AND eb.purchases > 0 THEN 1 END) AS bothBought,
    sum(ea.weight * 2 ^ ((ea.lastAt - $now) / $halfLifeMs) * eb.weight * 2 ^ ((eb.lastAt - $now) / $halfLifeMs)) AS dot
  WHERE b IS NOT NULL
  RETURN collect({id: b.id, support: support, bothBought: bothBought, dot: dot,
    engagedProfiles: coalesce(b.engagedProfiles, 0), norm: coalesce(b.engagementNorm, 0.0), statsAt: b.statsAt,
    relatedCount: coalesce(b.relatedCount, 0), relatedMinScore: b.relatedMinScore,
    back: CASE WHEN $patch THEN [(b)-[r:RELATED]->(a) | r {.score, .support, .bothBought}][0] END}) AS others
}
RETURN a.id AS id, coalesce(a.engagedProfiles, 0) AS engagedProfiles, coalesce(a.engagementNorm, 0.0) AS norm,
  a.statsAt AS statsAt, others,
  CASE WHEN $patch THEN COLLECT { MATCH (b:Product)-[:RELATED]->(a) RETURN b.id } ELSE [] END AS pointing
