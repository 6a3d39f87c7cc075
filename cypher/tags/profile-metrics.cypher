// What the models compute a profile's metrics from: its orders (count, value, last one), first and last
// seen, its recent interactions with products' top-level categories (for interest affinity), the MODEL
// tags it carries now, and the stored RFM boundaries.
// params: $ids: profile ids, $since: epoch ms (oldest interaction that still counts for interest), $maxEvents
CALL {
  OPTIONAL MATCH (m:ModelState {id: 'rfm'})
  RETURN m.json AS boundaries
}
UNWIND $ids AS id
MATCH (p:Profile {id: id})
CALL {
  WITH p
  OPTIONAL MATCH (p)<-[:IN]-(:Identifier)-[:DID]->(x:Interaction {event: 'Order Completed'})
  WITH count(DISTINCT coalesce(x.orderId, x.messageId)) AS orders, sum(coalesce(x.value, 0)) AS monetary, max(x.at) AS lastOrderAt
  RETURN orders, monetary, lastOrderAt
}
CALL {
  WITH p
  OPTIONAL MATCH (p)<-[:IN]-(:Identifier)-[:DID]->(x:Interaction)-[:ON]->(prod:Product)
  WHERE x.at >= $since AND prod.category IS NOT NULL
  WITH x, prod ORDER BY x.at DESC LIMIT toInteger($maxEvents)
  RETURN collect({event: x.event, at: x.at, category: split(prod.category, '/')[0]}) AS interests
}
CALL {
  WITH p
  OPTIONAL MATCH (p)-[r:HAS_TAG]->(t:Tag {kind: 'MODEL'})
  RETURN collect({tagId: t.id, score: r.score}) AS modelTags
}
RETURN id, boundaries, orders, monetary, lastOrderAt, p.firstSeen AS firstSeen, p.lastSeen AS lastSeen, interests,
  [t IN modelTags WHERE t.tagId IS NOT NULL] AS modelTags
