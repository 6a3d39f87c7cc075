// Creates a tag category under a parent (or as a root), unless a sibling already has that name.
// params: $id, $name, $parentId, $now, $position
OPTIONAL MATCH (parent:TagCategory {id: $parentId})
WITH parent
WHERE $parentId IS NULL OR parent IS NOT NULL
OPTIONAL MATCH (sibling:TagCategory {name: $name})
WHERE ($parentId IS NULL AND NOT (sibling)-[:CHILD_OF]->()) OR (sibling)-[:CHILD_OF]->(parent)
WITH parent, count(sibling) AS clashes
WHERE clashes = 0
CREATE (c:TagCategory {id: $id, name: $name, createdAt: $now, position: $position})
FOREACH (p IN CASE WHEN parent IS NULL THEN [] ELSE [parent] END | CREATE (c)-[:CHILD_OF]->(p))
RETURN c.id AS id
