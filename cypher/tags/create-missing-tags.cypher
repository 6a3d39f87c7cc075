// Creates the MODEL tags settling needs (one per interest category) when they do not exist yet. Existing
// ones are left untouched, so concurrent settling transactions never contend for them.
// params: $tags: [{id, name, categoryId, description}], $now
CYPHER replan=skip
UNWIND $tags AS x
MATCH (c:TagCategory {id: x.categoryId}) USING INDEX SEEK c:TagCategory(id)
MERGE (t:Tag {id: x.id})
  ON CREATE SET t.kind = 'MODEL', t.name = x.name, t.description = x.description, t.createdAt = $now, t.updatedAt = $now
MERGE (t)-[:FILED_UNDER]->(c)
