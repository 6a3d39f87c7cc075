// Deletes an empty category (no tags, no sub-categories); returns what stopped it otherwise.
// params: $id
CYPHER replan=skip
MATCH (c:TagCategory {id: $id}) USING INDEX SEEK c:TagCategory(id)
WITH c, COUNT { (:Tag)-[:FILED_UNDER]->(c) } AS tags, COUNT { (:TagCategory)-[:CHILD_OF]->(c) } AS children
CALL {
  WITH c, tags, children
  WITH c WHERE tags = 0 AND children = 0
  DETACH DELETE c
  RETURN count(*) AS deleted
}
RETURN tags, children, deleted
