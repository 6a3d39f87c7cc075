// Moves a category under another (or to the root). The caller has checked the move makes no cycle.
// params: $id, $parentId
CYPHER replan=skip
MATCH (c:TagCategory {id: $id}) USING INDEX SEEK c:TagCategory(id)
OPTIONAL MATCH (c)-[old:CHILD_OF]->()
DELETE old
WITH DISTINCT c
OPTIONAL MATCH (parent:TagCategory {id: $parentId}) USING INDEX SEEK parent:TagCategory(id)
FOREACH (p IN CASE WHEN parent IS NULL THEN [] ELSE [parent] END | CREATE (c)-[:CHILD_OF]->(p))
RETURN c.id AS id
