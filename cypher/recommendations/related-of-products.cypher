// The related products of each product, best first, at most $first, with those products' own fields (so that
// asking for them costs no second round trip); one row per product that exists.
// params: $ids: product ids, $first
UNWIND $ids AS id
MATCH (a:Product {id: id})
CALL {
  WITH a
  OPTIONAL MATCH (a)-[r:RELATED]->(b:Product)
  WITH r, b ORDER BY r.score DESC, r.support DESC, b.id
  LIMIT toInteger($first)
  RETURN collect(CASE WHEN b IS NULL THEN null ELSE {productId: b.id, score: r.score, support: r.support,
    confidence: r.confidence, lift: r.lift} END) AS related,
    collect(b {.id, .name, .category, .price, .brand}) AS products
}
RETURN id, related, products
