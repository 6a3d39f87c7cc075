// Deletes a tag and every profile's copy of it (the node is kept as a tombstone so old rules and logs
// referring to it can still be explained, but it no longer exists for rules or the API).
// params: $id, $now
CYPHER replan=skip
MATCH (t:Tag {id: $id}) USING INDEX SEEK t:Tag(id)
WHERE t.deleted IS NULL
OPTIONAL MATCH (:Profile)-[r:HAS_TAG]->(t)
DELETE r
WITH DISTINCT t
SET t.deleted = true, t.deletedAt = $now
RETURN t.id AS id
