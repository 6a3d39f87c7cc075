// A page of the products pending phase 2 of the refresh (their statistics are recomputed), in id order, with
// how many live profiles each is engaged by (the work of its pass).
// params: $after, $first
MATCH (prod:Product)
WHERE prod.relatedPending = true AND prod.id > $after
RETURN prod.id AS id, coalesce(prod.engagedProfiles, 0) AS engaged
ORDER BY id
LIMIT toInteger($first)
