// One page of profiles in id order, after the cursor's id ('' for the first page), one extra row to tell
// whether another page follows; and the total number of profiles (from the count store).
// params: $after, $first
CALL {
  MATCH (p:Profile) WHERE p.id > $after
  WITH p ORDER BY p.id LIMIT toInteger($first) + 1
  RETURN collect(p {.id, .traits, .createdAt, .updatedAt, .firstSeen, .lastSeen, .lifecycleStage, .orders, .monetary, .lastOrderAt, .rfmScore}) AS page
}
CALL {
  MATCH (p:Profile) RETURN count(p) AS total
}
RETURN page, total
