// Everything settling a profile derives from, in one read: its properties, its identifiers (with their
// traits and times), its interactions (with the product's category and the order they belong to), the
// tags and segments it holds now, the stored RFM boundaries and the version of the tag and segment
// definitions.
// Of a profile's interactions (oldest first), all of them while it has at most $newest (counted by its
// identifiers' DID degrees, which reads no interaction); beyond that only what settling reads, so that a
// long-lived profile does not pay for its whole history at every event: those since $since (the longest rule
// window and the interest window; null: every interaction), those of the $events of all time (orders, and the
// events rules count over all time), and the newest $newest of the $counted events with a product (the
// engagement step's input). These are mostly within the window already: older ones are looked for only when the
// window holds fewer than $newest, and returned apart (olderInteractions, all older than the window).
// Its plan is kept (CYPHER replan=skip), so every part of it starts from the profile: the older interactions are
// matched without labels (IN comes only from identifiers, DID goes only to interactions), since on an empty graph
// the planner would start them from the Interaction(at) index instead; and interactions are sorted by time and
// then by category, which keeps the sort after the products' lookup (sorted by time alone, the planner would put
// it before or after by its estimates). (A subquery that only aggregates returns one row when nothing matches, so
// no OPTIONAL MATCH is needed for a profile without interactions.)
// params: $ids: profile ids, $since, $events, $counted, $newest
CYPHER replan=skip
CALL {
  OPTIONAL MATCH (m:ModelState {id: 'rfm'}) USING INDEX SEEK m:ModelState(id)
  OPTIONAL MATCH (v:Sequence {name: 'audience-definitions'}) USING INDEX SEEK v:Sequence(name)
  RETURN m.json AS boundaries, coalesce(v.epoch + ':' + v.value, 'none') AS definitionsVersion
}
UNWIND $ids AS id
MATCH (p:Profile {id: id}) USING INDEX SEEK p:Profile(id)
CALL {
  WITH p
  OPTIONAL MATCH (p)<-[:IN]-(i:Identifier)
  RETURN
    collect({namespace: i.namespace, traits: i.traits, firstSeen: i.firstSeen, lastSeen: i.lastSeen}) AS members,
    sum(COUNT { (i)-[:DID]->() }) AS held
}
CALL {
  WITH p, held
  MATCH (p)<-[:IN]-(:Identifier)-[:DID]->(x:Interaction)
  WHERE held <= $newest OR $since IS NULL OR x.at >= $since OR x.event IN $events
  OPTIONAL MATCH (x)-[:ON]->(prod:Product)
  WITH held, x, prod ORDER BY x.at, prod.category
  RETURN
    collect([x.event, x.at, x.value, x.productId, prod.category, coalesce(x.orderId, x.messageId)]) AS kept,
    count(CASE WHEN held > $newest AND x.at >= $since AND x.event IN $counted AND x.productId IS NOT NULL THEN 1 END) AS recent
}
CALL {
  WITH p, held, recent
  WITH p WHERE held > $newest AND $since IS NOT NULL AND recent < $newest
  MATCH (p)<-[:IN]-()-[:DID]->(x)
  WHERE x.at < $since AND x.event IN $counted AND x.productId IS NOT NULL
  WITH x ORDER BY x.at DESC LIMIT toInteger($newest)
  RETURN collect(x) AS older
}
CALL {
  WITH older, recent
  UNWIND [x IN older[..$newest - recent] WHERE NOT x.event IN $events] AS x
  OPTIONAL MATCH (x)-[:ON]->(prod:Product)
  WITH x, prod ORDER BY x.at, prod.category
  RETURN collect([x.event, x.at, x.value, x.productId, prod.category, coalesce(x.orderId, x.messageId)]) AS before
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
RETURN id, properties(p) AS properties, members, kept AS interactions, before AS olderInteractions, tags, segments, boundaries, definitionsVersion
