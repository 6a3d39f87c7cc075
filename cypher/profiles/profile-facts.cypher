// Everything settling a profile derives from, in one read: its properties, its identifiers (with their
// traits and times), its interactions (with the product's category and the order they belong to), the
// tags and segments it holds now, the stored RFM boundaries and the version of the tag and segment
// definitions.
// params: $ids: profile ids
CALL {
  OPTIONAL MATCH (m:ModelState {id: 'rfm'})
  OPTIONAL MATCH (v:Sequence {name: 'audience-definitions'})
  RETURN m.json AS boundaries, coalesce(v.epoch + ':' + v.value, 'none') AS definitionsVersion
}
UNWIND $ids AS id
MATCH (p:Profile {id: id})
CALL {
  WITH p
  OPTIONAL MATCH (p)<-[:IN]-(i:Identifier)
  RETURN collect({namespace: i.namespace, traits: i.traits, firstSeen: i.firstSeen, lastSeen: i.lastSeen}) AS members
}
CALL {
  WITH p
  OPTIONAL MATCH (p)<-[:IN]-(:Identifier)-[:DID]->(x:Interaction)
  OPTIONAL MATCH (x)-[:ON]->(prod:Product)
  WITH x, prod ORDER BY x.at
  RETURN collect([x.event, x.at, x.value, x.productId, prod.category, coalesce(x.orderId, x.messageId)]) AS interactions
}
CALL {
  WITH p
  OPTIONAL MATCH (p)-[r:HAS_TAG]->(t:Tag)
  RETURN collect([t.id, r.score, t.kind]) AS tags
}
CALL {
  WITH p
  OPTIONAL MATCH (p)-[:MEMBER_OF]->(s:Segment)
  RETURN collect(s.id) AS segments
}
RETURN id, properties(p) AS properties, members, interactions, tags, segments, boundaries, definitionsVersion
