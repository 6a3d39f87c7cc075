// Recomputes the stored popular lists: the $size most popular products overall (scope '') and in each
// top-level category, by the sum of their decayed engagement weights taken at $now; lists of scopes without
// any popular product are removed.
// params: $now, $halfLifeMs, $size
OPTIONAL MATCH (prod:Product)
WHERE prod.popularity > 0
WITH prod, prod.popularity * 2 ^ ((prod.statsAt - $now) / $halfLifeMs) AS popularity
ORDER BY popularity DESC, prod.id
WITH [x IN collect({id: prod.id, popularity: popularity, top: split(prod.category, '/')[0]}) WHERE x.id IS NOT NULL] AS ranked
WITH ranked, reduce(tops = [], x IN ranked | CASE WHEN x.top IS NULL OR x.top IN tops THEN tops ELSE tops + x.top END) AS tops
UNWIND [''] + tops AS scope
WITH scope, [x IN ranked WHERE scope = '' OR x.top = scope][..toInteger($size)] AS best
MERGE (list:PopularProducts {scope: scope})
SET list.productIds = [x IN best | x.id], list.scores = [x IN best | x.popularity], list.updatedAt = $now
WITH collect(scope) AS scopes
CALL {
  WITH scopes
  MATCH (stale:PopularProducts)
  WHERE NOT stale.scope IN scopes
  DELETE stale
}
RETURN size(scopes) AS scopes
