// Profiles with everything a query asked of them, in one round trip: the profile (by id, a merged-away id
// resolving to its survivor, or by an identifier it owns) and, when asked, its identifiers, tags with their
// definitions, segments, and one page of interactions (newest first, one extra row telling whether another
// page follows) with their products. Parts not asked for cost a parameter test each. Records are read whole,
// or lean (only the fields a typical read selects) when $whole says the query asks for nothing else: every
// field costs the driver a key and a value to decode.
// params: $keys: [{key, id, namespace, value}], $whole: {profile, identifiers, tags, segments}, $identifiers, $tags, $segments, $segmentSize, $interactions, $count, $products, $properties, $first, $afterAt, $afterId
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
  RETURN collect(CASE WHEN $whole.identifiers
    THEN i {.namespace, .value, .kind, .firstSeen, .lastSeen, .conflicts, shared: shared}
    ELSE i {.namespace, .value, .kind, shared: shared} END) AS identifiers
}
CALL {
  WITH p
  WITH p WHERE $tags
  MATCH (p)-[r:HAS_TAG]->(t:Tag)
  WHERE t.deleted IS NULL
  WITH r, t ORDER BY t.name
  RETURN collect({score: r.score, since: r.since,
    tag: CASE WHEN $whole.tags THEN t {.id, .name, .kind, .rule, .description} ELSE t {.id, .name} END}) AS tags
}
CALL {
  WITH p
  WITH p WHERE $segments
  MATCH (p)-[:MEMBER_OF]->(s:Segment)
  WITH s ORDER BY s.name
  RETURN collect(CASE WHEN $whole.segments
    THEN s {.id, .name, .rule, .description, .purpose, .createdAt, .updatedAt, .deleted, .deletedAt,
      size: CASE WHEN $segmentSize THEN COUNT { (s)<-[:MEMBER_OF]-(:Profile) } END}
    ELSE s {.id, .name} END) AS segments
}
CALL {
  WITH p
  WITH p WHERE $interactions
  MATCH (p)<-[:IN]-(:Identifier)-[:DID]->(x:Interaction)
  WHERE $afterAt IS NULL OR x.at < $afterAt OR (x.at = $afterAt AND x.id < $afterId)
  WITH x ORDER BY x.at DESC, x.id DESC LIMIT toInteger($first) + 1
  OPTIONAL MATCH (x)-[:ON]->(product:Product) WHERE $products
  RETURN collect(CASE WHEN $properties
    THEN x {.id, .event, .at, .productId, .quantity, .value, .properties,
      product: product {.id, .name, .category, .price, .brand}}
    ELSE x {.id, .event, .at, .productId, .quantity, .value,
      product: product {.id, .name, .category, .price, .brand}} END) AS page
}
CALL {
  WITH p
  WITH p WHERE $count
  MATCH (p)<-[:IN]-(:Identifier)-[:DID]->(x:Interaction)
  RETURN count(x) AS total
}
RETURN k.key AS key,
  CASE WHEN $whole.profile
    THEN p {.id, .traits, .createdAt, .updatedAt, .firstSeen, .lastSeen, .lifecycleStage, .orders, .monetary, .lastOrderAt, .rfmScore}
    ELSE p {.id} END AS profile,
  identifiers, tags, segments, page, total
