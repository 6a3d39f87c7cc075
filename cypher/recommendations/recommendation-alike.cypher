// What the $neighbours nearest lookalikes (vector index) of one profile bought, for its recommendations: Σ cosine
// and count of the neighbours per product, best $candidates, without what the profile bought itself, and the
// neighbours' total cosine (cosine = 2 × score − 1: the index scores (1 + cos) / 2 and never below 0.5). Only
// for a profile with engagement of its own (one without history gets popular products): otherwise, and for an
// unknown id, no products and a total of 0. A merged-away id resolves to its survivor. Run beside
// recommendation-inputs rather than within it, so that the index search and the rest of the read can take a
// core each.
// params: $id, $neighbours, $candidates
OPTIONAL MATCH (live:Profile {id: $id})
OPTIONAL MATCH (:MergedProfile {id: $id})-[:MERGED_INTO]->(survivor:Profile)
WITH coalesce(live, survivor) AS p
WHERE p.embedding IS NOT NULL AND EXISTS { (p)-[:ENGAGED]->() }
CALL {
  WITH p
  OPTIONAL MATCH (p)-[e:ENGAGED]->(prod:Product)
  WHERE e.purchases > 0
  RETURN collect(prod.id) AS bought
}
CALL db.index.vector.queryNodes('profile_embedding', toInteger($neighbours) + 1, p.embedding) YIELD node, score
WITH node, 2 * score - 1 AS similarity, p, bought WHERE node <> p
WITH collect({node: node, similarity: similarity}) AS near, bought
WITH near, reduce(total = 0.0, n IN near | total + n.similarity) AS mass, bought
UNWIND near AS n
WITH n.node AS neighbour, n.similarity AS similarity, mass, bought
MATCH (neighbour)-[e:ENGAGED]->(b:Product)
WHERE e.purchases > 0 AND NOT b.id IN bought
WITH b, sum(similarity) AS similarity, count(*) AS profiles, mass
ORDER BY similarity DESC, b.id
LIMIT toInteger($candidates)
RETURN collect({productId: b.id, similarity: similarity, profiles: profiles}) AS alike, coalesce(max(mass), 0.0) AS mass
