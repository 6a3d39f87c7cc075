// Writes the ENGAGED aggregates that changed, deletes those whose interactions are gone, removes the ENGAGED
// edges of aliases merged into the given profiles, and marks every product whose engagement changed as
// dirty for the related-products refresh.
// params: $upserts: [{profileId, productId, weight, purchases, carts, views, lastAt}], $removals: [{profileId, productId}], $aliasesOf: profile ids, $now
CALL {
  UNWIND $upserts AS u
  MATCH (p:Profile {id: u.profileId})
  MATCH (prod:Product {id: u.productId})
  MERGE (p)-[e:ENGAGED]->(prod)
  SET e.weight = u.weight, e.purchases = u.purchases, e.carts = u.carts, e.views = u.views, e.lastAt = u.lastAt,
    e.updatedAt = $now, prod.relatedDirty = true
  RETURN count(*) AS upserted
}
CALL {
  UNWIND $removals AS r
  MATCH (:Profile {id: r.profileId})-[e:ENGAGED]->(prod:Product {id: r.productId})
  DELETE e
  SET prod.relatedDirty = true
  RETURN count(*) AS removed
}
CALL {
  UNWIND $aliasesOf AS id
  MATCH (:Profile {id: id})<-[:MERGED_INTO]-(:MergedProfile)-[e:ENGAGED]->(prod:Product)
  DELETE e
  SET prod.relatedDirty = true
  RETURN count(*) AS unaliased
}
RETURN upserted, removed, unaliased
