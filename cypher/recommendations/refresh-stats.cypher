// Phase 1 of the related-products refresh, for a batch of dirty products: takes the dirty mark off first (so
// the product stays locked while it is read, and a change committed meanwhile marks it again), recomputes its
// engagement statistics at $now over live profiles (support, buyers, norm and sum of the decayed weights),
// and marks it pending for phase 2.
// params: $ids: product ids, $now, $halfLifeMs
CYPHER replan=skip
UNWIND $ids AS id
MATCH (a:Product {id: id}) USING INDEX SEEK a:Product(id)
REMOVE a.relatedDirty
SET a.relatedPending = true
WITH a
CALL {
  WITH a
  OPTIONAL MATCH (a)<-[e:ENGAGED]-(:Profile)
  WITH e, CASE WHEN e IS NULL THEN 0.0 ELSE e.weight * 2 ^ ((e.lastAt - $now) / $halfLifeMs) END AS w
  RETURN count(e) AS support, count(CASE WHEN e.purchases > 0 THEN 1 END) AS buyers, sqrt(sum(w * w)) AS norm,
    sum(w) AS popularity
}
SET a.engagedProfiles = support, a.buyers = buyers, a.engagementNorm = norm, a.popularity = popularity,
  a.statsAt = $now
RETURN count(a) AS products
