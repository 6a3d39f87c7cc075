// Creates the MODEL tags the models need (one per interest category, one per cluster) when missing, and
// updates their names (cluster labels change when the model is retrained).
// params: $tags: [{id, name, categoryId, description}], $now
CYPHER replan=skip
UNWIND $tags AS x
MATCH (c:TagCategory {id: x.categoryId}) USING INDEX SEEK c:TagCategory(id)
MERGE (t:Tag {id: x.id})
  ON CREATE SET t.kind = 'MODEL', t.createdAt = $now
SET t.name = x.name, t.description = x.description, t.updatedAt = $now
REMOVE t.deleted
MERGE (t)-[:FILED_UNDER]->(c)
RETURN count(t) AS tags
