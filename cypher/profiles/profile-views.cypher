// Profiles with everything a query asked of them, in one round trip: the profile (by id, a merged-away id
// resolving to its survivor, or by an identifier it owns) and, when asked, its identifiers, tags with their
// definitions, segments, and one page of interactions (newest first, one extra row telling whether another
// page follows) with their products. Parts not asked for cost a parameter test each.
// params: $keys: [{key, id, namespace, value}], $identifiers, $tags, $segments, $segmentSize, $interactions, $count, $products, $properties, $first, $afterAt, $afterId
UNWIND $keys AS k
OPTIONAL MATCH (live:Profile {id: k.id})
OPTIONAL MATCH (:MergedProfile {id: k.id})-[:MERGED_INTO]->(survivor:Profile)
OPTIONAL MATCH (:Identifier {namespace: k.namespace, value: k.value})-[:IN]->(owner:Profile)
WITH k, coalesce(live, survivor, owner) AS p
WHERE p IS NOT NULL
CALL {
  WITH p
  WITH p WHERE $identifiers
  MATCH (p)<-[r:IN|SHARED_IN]-(i:Identifier)
  WITH i, type(r) = 'SHARED_IN' AS shared ORDER BY i.namespace, i.value
  RETURN collect(i {.namespace, .value, .kind, .firstSeen, .lastSeen, .conflicts, shared: shared}) AS identifiers
}
CALL {
  WITH p
  WITH p WHERE $tags
  MATCH (p)-[r:HAS_TAG]->(t:Tag)
  WHERE t.deleted IS NULL
  WITH r, t ORDER BY t.name
  RETURN collect({score: r.score, since: r.since, tag: t {.id, .name, .kind, .rule, .description}}) AS tags
}
CALL {
  WITH p
  WITH p WHERE $segments
  MATCH (p)-[:MEMBER_OF]->(s:Segment)
  WITH s ORDER BY s.name
  RETURN collect(s {.id, .name, .rule, .description, .purpose, .createdAt, .updatedAt, .deleted, .deletedAt,
    size: CASE WHEN $segmentSize THEN COUNT { (s)<-[:MEMBER_OF]-(:Profile) } END}) AS segments
}
CALL {
  WITH p
  WITH p WHERE $interactions
  MATCH (p)<-[:IN]-(:Identifier)-[:DID]->(x:Interaction)
  WHERE $afterAt IS NULL OR x.at < $afterAt OR (x.at = $afterAt AND x.id < $afterId)
  WITH x ORDER BY x.at DESC, x.id DESC LIMIT toInteger($first) + 1
  OPTIONAL MATCH (x)-[:ON]->(product:Product) WHERE $products
  RETURN collect(x {.id, .event, .at, .productId, .quantity, .value,
    properties: CASE WHEN $properties THEN x.properties END,
    product: product {.id, .name, .category, .price, .brand}}) AS page
}
CALL {
  WITH p
  WITH p WHERE $count
  MATCH (p)<-[:IN]-(:Identifier)-[:DID]->(x:Interaction)
  RETURN count(x) AS total
}
RETURN k.key AS key,
  p {.id, .traits, .createdAt, .updatedAt, .firstSeen, .lastSeen, .lifecycleStage, .orders, .monetary, .lastOrderAt, .rfmScore} AS profile,
  identifiers, tags, segments, page, total
