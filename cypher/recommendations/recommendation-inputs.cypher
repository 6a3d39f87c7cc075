// Everything one profile's recommendations are made from, in one read, aggregated so that little travels
// (a merged-away id resolves to its survivor; no row for an unknown id):
// - its consent properties and the products it bought (never recommended to it);
// - its $sources strongest engagements (weights decayed to $now) and, over their RELATED products, each
//   candidate's Σ relation score × source strength with the source contributing most (best $candidates);
// - what its $neighbours nearest lookalikes (vector index) bought: Σ cosine and count of the neighbours per
//   product, and the neighbours' total cosine (cosine = 2 × score − 1: the index scores (1 + cos) / 2 and
//   never below 0.5); only for a profile with engagement of its own, one without history gets popular ones;
// - its interest categories, and the first $first + |bought| of the stored popular lists for them and overall;
// - the fields of the products it will most likely be offered, so that asking for them costs no second round
//   trip: the best $first personal candidates scored as ranking.ts scores them (related score / strongest
//   source + $lookalikeWeight × similarity / mass), and when there are fewer, the popular lists' products. Only
//   a hint: ranking.ts decides, and a product it picks that is not here is read by the product loader.
// A source's related products are taken from the lists the refresh stores on it (write-related.cypher), not
// from its up to 50 RELATED edges (a product a refresh of an older version wrote: from the edges until the
// next refresh lists it). Likewise what a profile and its lookalikes bought is taken from the list the
// engagement step stores on each (boughtIds, write-engagement.cypher), not from their ENGAGED edges (a profile
// an older version settled: from its edges until its engagement is written again).
// params: $id, $consentKeys, $sources, $neighbours, $candidates, $first, $now, $halfLifeMs, $lookalikeWeight
OPTIONAL MATCH (live:Profile {id: $id})
OPTIONAL MATCH (:MergedProfile {id: $id})-[:MERGED_INTO]->(survivor:Profile)
WITH coalesce(live, survivor) AS p
WHERE p IS NOT NULL
WITH p, CASE WHEN p.boughtIds IS NULL
  THEN COLLECT { MATCH (p)-[e:ENGAGED]->(prod) WHERE e.purchases > 0 RETURN prod.id }
  ELSE p.boughtIds END AS bought
CALL {
  WITH p
  MATCH (p)-[e:ENGAGED]->(source:Product)
  WITH source, e, e.weight * 2 ^ ((e.lastAt - $now) / $halfLifeMs) AS strength
  ORDER BY strength DESC, source.id
  LIMIT toInteger($sources)
  RETURN collect({id: source.id, name: source.name, strength: strength, purchases: e.purchases, carts: e.carts}) AS sources
}
CALL {
  WITH sources, bought
  UNWIND sources AS s
  MATCH (source:Product {id: s.id})
  WITH s, bought, source, source.relatedIds AS ids, source.relatedScores AS scores,
    source.relatedTogether AS together
  WITH s, bought, CASE WHEN ids IS NULL
    THEN COLLECT { MATCH (source)-[r:RELATED]->(b) RETURN [b.id, r.score, r.bothBought > 0] }
    ELSE [i IN range(0, size(ids) - 1) | [ids[i], scores[i], together[i]]] END AS relations
  UNWIND relations AS relation
  WITH relation[0] AS candidateId, s.id AS sourceId, relation[1] * s.strength AS contribution,
    relation[2] AS together, bought
  WHERE NOT candidateId IN bought
  ORDER BY contribution DESC, sourceId
  WITH candidateId, sum(contribution) AS score, collect({sourceId: sourceId, together: together})[0] AS best
  ORDER BY score DESC, candidateId
  LIMIT toInteger($candidates)
  RETURN collect({productId: candidateId, score: score, sourceId: best.sourceId, boughtTogether: best.together}) AS related
}
CALL {
  WITH p, bought
  WITH p, bought WHERE p.embedding IS NOT NULL AND EXISTS { (p)-[:ENGAGED]->() }
  CALL db.index.vector.queryNodes('profile_embedding', toInteger($neighbours) + 1, p.embedding) YIELD node, score
  WITH node, 2 * score - 1 AS similarity, p, bought WHERE node <> p
  WITH collect({node: node, similarity: similarity}) AS near, bought
  WITH near, reduce(total = 0.0, n IN near | total + n.similarity) AS mass, bought
  UNWIND near AS n
  WITH n.node AS neighbour, n.similarity AS similarity, mass, bought
  UNWIND CASE WHEN neighbour.boughtIds IS NULL
    THEN COLLECT { MATCH (neighbour)-[e:ENGAGED]->(b) WHERE e.purchases > 0 RETURN b.id }
    ELSE neighbour.boughtIds END AS productId
  WITH productId, similarity, mass WHERE NOT productId IN bought
  WITH productId, sum(similarity) AS similarity, count(*) AS profiles, mass
  ORDER BY similarity DESC, productId
  LIMIT toInteger($candidates)
  RETURN collect({productId: productId, similarity: similarity, profiles: profiles}) AS alike, max(mass) AS mass
}
CALL {
  WITH p
  OPTIONAL MATCH (p)-[r:HAS_TAG]->(t:Tag {kind: 'MODEL'})
  WHERE t.id STARTS WITH 'tag-interest-'
  WITH t, r ORDER BY r.score DESC, t.name
  RETURN [x IN collect({category: t.name, score: r.score}) WHERE x.category IS NOT NULL] AS interests
}
WITH p, bought, sources, related, alike, coalesce(mass, 0.0) AS mass, interests,
  toInteger($first) + size(bought) AS fill,
  reduce(top = 0.0, s IN sources | CASE WHEN s.strength > top THEN s.strength ELSE top END) AS strongest
WITH p, bought, sources, related, alike, mass, interests, fill,
  COLLECT { MATCH (list:PopularProducts) WHERE list.scope = '' OR list.scope IN [i IN interests | i.category]
    RETURN list {.scope, productIds: list.productIds[..fill], scores: list.scores[..fill]} } AS popular,
  COLLECT {
    UNWIND [r IN related WHERE strongest > 0 | {id: r.productId, part: r.score / strongest}] +
      [a IN alike WHERE mass > 0 | {id: a.productId, part: $lookalikeWeight * (a.similarity / mass)}] AS c
    WITH c.id AS productId, sum(c.part) AS score
    WHERE score > 0
    RETURN productId ORDER BY score DESC, productId LIMIT toInteger($first)
  } AS picks
WITH p, bought, sources, related, alike, mass, interests, popular,
  picks + CASE WHEN size(picks) >= toInteger($first) THEN [] ELSE
    [id IN reduce(ids = [], list IN popular | ids + list.productIds) WHERE NOT id IN bought AND NOT id IN picks]
  END AS likely
RETURN p.id AS id, [key IN $consentKeys | p[key]] AS consent, bought, sources, related, alike, mass, interests,
  popular,
  COLLECT { UNWIND likely AS productId WITH DISTINCT productId
    MATCH (product:Product {id: productId})
    RETURN product {.id, .name, .category, .price, .brand} } AS products
