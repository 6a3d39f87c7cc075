// What the ENGAGED aggregates of profiles are computed from: each profile's product interactions of the
// counted events (newest first, at most $maxEvents, through every identifier of the profile, so a merged
// profile sees them all), in the one order engagement.ts gives them (time, event, product); its stored
// engagement basis, and whether its bought products are stored beside it; its ENGAGED edges now; and whether aliases merged into it still hold ENGAGED edges (they
// are removed: only live profiles are engaged). Of a profile whose stored basis is the one it is asked with
// (its edges were computed from the window the caller compared its own with) and that has as many edges as
// that window gave (its degree, which reads no edge: none was deleted behind the basis's back), only the edges
// of the products asked are read: a long-lived profile has a thousand, and a new interaction changes one or two.
// Each profile is write-locked before its basis and edges are read (setting and removing a property takes the
// lock and leaves nothing to commit): the write that follows creates the edges found missing without MERGE and
// updates or deletes the others by element id, which is right only while no other transaction can change the
// profile's edges in between. Callers pass the profiles in one order (sorted by id), so two transactions lock
// them in the same order.
// An interaction's product is its productId: every interaction with one is linked ON that product in the
// transaction that creates it (ingestion and the bulk load alike), and reading the id where it is saves
// expanding ON and reading the product (a fifth of this statement's database hits). Without
// $withInteractions the interactions are not read (empty): a settle's derive step has read them already.
// params: $profiles: [{id, basis, products, edges}], $withInteractions, $events: counted event names, $maxEvents
CYPHER replan=skip
UNWIND $profiles AS asked
MATCH (p:Profile {id: asked.id}) USING INDEX SEEK p:Profile(id)
SET p._LOCK_ = true
REMOVE p._LOCK_
WITH asked, p,
  asked.basis IS NOT NULL AND p.engagementBasis = asked.basis AND COUNT { (p)-[:ENGAGED]->() } = asked.edges
    AS incremental
CALL {
  WITH p
  WITH p WHERE $withInteractions
  MATCH (p)<-[:IN]-(:Identifier)-[:DID]->(x:Interaction)
  WHERE x.event IN $events AND x.productId IS NOT NULL
  WITH x ORDER BY x.at DESC, x.event, x.productId LIMIT toInteger($maxEvents)
  RETURN collect({event: x.event, at: x.at, productId: x.productId}) AS interactions
}
CALL {
  WITH p, incremental
  WITH p WHERE NOT incremental
  MATCH (p)-[e:ENGAGED]->(prod:Product)
  RETURN collect({edge: elementId(e), productId: prod.id, weight: e.weight, purchases: e.purchases, carts: e.carts, views: e.views, lastAt: e.lastAt}) AS all
}
CALL {
  WITH p, asked, incremental
  WITH p, asked WHERE incremental
  UNWIND asked.products AS productId
  MATCH (prod:Product {id: productId}) USING INDEX SEEK prod:Product(id)
  MATCH (p)-[e:ENGAGED]->(prod)
  RETURN collect({edge: elementId(e), productId: prod.id, weight: e.weight, purchases: e.purchases, carts: e.carts, views: e.views, lastAt: e.lastAt}) AS some
}
RETURN asked.id AS id, interactions, p.engagementBasis AS basis, p.boughtIds IS NOT NULL AS boughtStored, incremental,
  CASE WHEN incremental THEN some ELSE all END AS engaged,
  EXISTS { (m:MergedProfile)-[:MERGED_INTO]->(p) WHERE EXISTS { (m)-[:ENGAGED]->() } } AS aliasesEngaged
