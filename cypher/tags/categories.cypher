// Every tag category with its parent (the catalogue is small: a few hundred nodes at most).
// params: none
MATCH (c:TagCategory)
OPTIONAL MATCH (c)-[:CHILD_OF]->(parent:TagCategory)
RETURN c.id AS id, c.name AS name, parent.id AS parentId, c.position AS position
ORDER BY coalesce(c.position, 1000), c.name
