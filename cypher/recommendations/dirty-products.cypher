// A page of the products marked dirty (their engagement changed since the last refresh), in id order.
// params: $after, $first
MATCH (prod:Product)
WHERE prod.relatedDirty = true AND prod.id > $after
RETURN prod.id AS id
ORDER BY id
LIMIT toInteger($first)
