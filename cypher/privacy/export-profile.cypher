// Everything held about a profile, for an access request: the profile, its identifiers (with their own
// traits), interactions with their products, tags, segments, consent records and identity history.
// params: $id, $maxInteractions
MATCH (p:Profile {id: $id})
CALL {
  WITH p
  OPTIONAL MATCH (p)<-[r:IN|SHARED_IN]-(i:Identifier)
  RETURN collect(i {.namespace, .value, .kind, .firstSeen, .lastSeen, .traits, shared: type(r) = 'SHARED_IN'}) AS identifiers
}
CALL {
  WITH p
  OPTIONAL MATCH (p)<-[:IN]-(:Identifier)-[:DID]->(x:Interaction)
  WITH x ORDER BY x.at DESC LIMIT toInteger($maxInteractions)
  OPTIONAL MATCH (x)-[:ON]->(prod:Product)
  RETURN collect(x {.id, .event, .at, .quantity, .value, .orderId, .properties, product: prod.name}) AS interactions
}
CALL {
  WITH p
  OPTIONAL MATCH (p)-[r:HAS_TAG]->(t:Tag)
  RETURN collect({tag: t.name, kind: t.kind, score: r.score, since: r.since}) AS tags
}
CALL {
  WITH p
  OPTIONAL MATCH (p)-[m:MEMBER_OF]->(s:Segment)
  RETURN collect({segment: s.name, since: m.since}) AS segments
}
CALL {
  WITH p
  OPTIONAL MATCH (p)<-[:IN]-(:Identifier)-[:CONSENTED]->(c:ConsentRecord)
  RETURN collect(c {.purpose, .granted, .at, .source, .actor}) AS consents
}
CALL {
  WITH p
  OPTIONAL MATCH (p)-[:HAS_CHANGE]->(h:IdentityChange)
  RETURN collect(h {.kind, .at, .otherId}) AS history
}
RETURN p {.id, .traits, .createdAt, .updatedAt, .firstSeen, .lastSeen, .lifecycleStage, .orders, .monetary} AS profile,
  identifiers, interactions, tags, segments, consents, history
