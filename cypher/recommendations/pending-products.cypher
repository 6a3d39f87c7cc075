// A page of the products pending phase 2 of the refresh (their statistics are recomputed), in id order.
// params: $after, $first
MATCH (prod:Product)
WHERE prod.relatedPending = true AND prod.id > $after
RETURN prod.id AS id
ORDER BY id
LIMIT toInteger($first)
