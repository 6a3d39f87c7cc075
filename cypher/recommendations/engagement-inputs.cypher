// What the ENGAGED aggregates of profiles are computed from: each profile's product interactions of the
// counted events (newest first, at most $maxEvents, through every identifier of the profile, so a merged
// profile sees them all), grouped by product; its ENGAGED edges now; and whether aliases merged into it
// still hold ENGAGED edges (they are removed: only live profiles are engaged). Each profile is write-locked
// before its ENGAGED edges are read (setting and removing a property takes the lock and leaves nothing to
// commit): the write that follows creates the edges found missing without MERGE and updates or deletes the
// others by element id, which is right only while no other transaction can change the profile's edges in
// between. Callers pass the ids in one order (sorted), so two transactions lock them in the same order.
// An interaction's product is its productId: every interaction with one is linked ON that product in the
// transaction that creates it (ingestion and the bulk load alike), and reading the id where it is saves
// expanding ON and reading the product (a fifth of this statement's database hits). Without
// $withInteractions the interactions are not read (empty): a settle's derive step has read them already.
// params: $ids: profile ids, $withInteractions, $events: counted event names, $maxEvents
UNWIND $ids AS id
MATCH (p:Profile {id: id})
SET p._LOCK_ = true
REMOVE p._LOCK_
WITH id, p
CALL {
  WITH p
  WITH p WHERE $withInteractions
  OPTIONAL MATCH (p)<-[:IN]-(:Identifier)-[:DID]->(x:Interaction)
  WHERE x.event IN $events AND x.productId IS NOT NULL
  WITH x ORDER BY x.at DESC LIMIT toInteger($maxEvents)
  WITH x.productId AS productId, collect({event: x.event, at: x.at}) AS events
  WHERE productId IS NOT NULL
  RETURN collect({productId: productId, events: events}) AS interactions
}
CALL {
  WITH p
  OPTIONAL MATCH (p)-[e:ENGAGED]->(prod:Product)
  RETURN collect({edge: elementId(e), productId: prod.id, weight: e.weight, purchases: e.purchases, carts: e.carts, views: e.views, lastAt: e.lastAt}) AS engaged
}
RETURN id, interactions, [e IN engaged WHERE e.productId IS NOT NULL] AS engaged,
  EXISTS { (m:MergedProfile)-[:MERGED_INTO]->(p) WHERE EXISTS { (m)-[:ENGAGED]->() } } AS aliasesEngaged
