// Writes the ENGAGED aggregates of profiles that engagement-inputs read and locked in the same transaction:
// creates the edges it found missing (no MERGE: nothing else can have created one since, and MERGE would look
// for each edge twice), updates and deletes the others by element id (a seek instead of expanding the
// profile), removes the ENGAGED edges of aliases merged into the given profiles, and marks every product
// whose engagement changed as dirty for the related-products refresh; stores each profile's new engagement
// basis (what its edges now are computed from) and the products its edges show bought (boughtIds, sorted),
// which the recommendation read takes for it and for its lookalikes instead of following their edges.
// params: $creates: [{profileId, productId, weight, purchases, carts, views, lastAt}], $updates: [{edge, productId, weight, purchases, carts, views, lastAt}], $removals: [edge element ids], $aliasesOf: profile ids, $bases: [{id, basis, bought}], $now
CYPHER replan=skip
CALL {
  UNWIND $creates AS u
  MATCH (p:Profile {id: u.profileId}) USING INDEX SEEK p:Profile(id)
  MATCH (prod:Product {id: u.productId}) USING INDEX SEEK prod:Product(id)
  CREATE (p)-[:ENGAGED {weight: u.weight, purchases: u.purchases, carts: u.carts, views: u.views,
    lastAt: u.lastAt, updatedAt: $now}]->(prod)
  SET prod.relatedDirty = true
  RETURN count(*) AS created
}
CALL {
  UNWIND $updates AS u
  MATCH ()-[e:ENGAGED]->(prod:Product)
  WHERE elementId(e) = u.edge
  SET e.weight = u.weight, e.purchases = u.purchases, e.carts = u.carts, e.views = u.views, e.lastAt = u.lastAt,
    e.updatedAt = $now, prod.relatedDirty = true
  RETURN count(*) AS updated
}
CALL {
  UNWIND $removals AS edge
  MATCH ()-[e:ENGAGED]->(prod:Product)
  WHERE elementId(e) = edge
  DELETE e
  SET prod.relatedDirty = true
  RETURN count(*) AS removed
}
CALL {
  UNWIND $aliasesOf AS id
  MATCH (owner:Profile {id: id})<-[:MERGED_INTO]-(:MergedProfile)-[e:ENGAGED]->(prod:Product)
    USING INDEX SEEK owner:Profile(id)
  DELETE e
  SET prod.relatedDirty = true
  RETURN count(*) AS unaliased
}
CALL {
  UNWIND $bases AS b
  MATCH (p:Profile {id: b.id}) USING INDEX SEEK p:Profile(id)
  SET p.engagementBasis = b.basis, p.boughtIds = b.bought
  RETURN count(*) AS based
}
RETURN created, updated, removed, unaliased, based
