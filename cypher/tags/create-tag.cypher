// Creates a tag in a category (MERGE on its id: installing the default catalogue twice creates nothing twice).
// params: $id, $name, $kind, $rule, $description, $categoryId, $now
CYPHER replan=skip
MATCH (c:TagCategory {id: $categoryId}) USING INDEX SEEK c:TagCategory(id)
MERGE (t:Tag {id: $id})
  ON CREATE SET t.name = $name, t.kind = $kind, t.rule = $rule, t.description = $description,
    t.createdAt = $now, t.updatedAt = $now
MERGE (t)-[:FILED_UNDER]->(c)
RETURN t.id AS id
