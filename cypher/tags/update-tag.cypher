// Renames, refiles or changes the rule of a tag.
// params: $id, $name, $rule, $description, $categoryId, $now
MATCH (t:Tag {id: $id})
WHERE t.deleted IS NULL
SET t.name = coalesce($name, t.name), t.rule = coalesce($rule, t.rule),
  t.description = coalesce($description, t.description), t.updatedAt = $now
WITH t
CALL {
  WITH t
  WITH t WHERE $categoryId IS NOT NULL
  MATCH (c:TagCategory {id: $categoryId})
  MATCH (t)-[old:FILED_UNDER]->()
  DELETE old
  CREATE (t)-[:FILED_UNDER]->(c)
  RETURN count(*) AS moved
}
RETURN t.id AS id
