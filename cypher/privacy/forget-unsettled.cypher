// Erasure: removes erased identifiers' keys from the records of rounds not settled yet (records left with no
// key are deleted), so no copy of an erased identifier outlives the erasure.
// params: $keys: ['namespace:value', ...]
MATCH (u:Unsettled)
WHERE any(k IN u.keys WHERE k IN $keys)
WITH u, [k IN u.keys WHERE NOT k IN $keys] AS kept
CALL {
  WITH u, kept
  WITH u, kept WHERE size(kept) = 0
  DELETE u
}
CALL {
  WITH u, kept
  WITH u, kept WHERE size(kept) > 0
  SET u.keys = kept
}
