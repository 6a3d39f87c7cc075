// Renames a category unless a sibling already has the new name.
// params: $id, $name
MATCH (c:TagCategory {id: $id})
OPTIONAL MATCH (c)-[:CHILD_OF]->(parent:TagCategory)
OPTIONAL MATCH (sibling:TagCategory {name: $name})
WHERE sibling <> c AND ((parent IS NULL AND NOT (sibling)-[:CHILD_OF]->()) OR (sibling)-[:CHILD_OF]->(parent))
WITH c, count(sibling) AS clashes
WHERE clashes = 0
SET c.name = $name
RETURN c.id AS id
