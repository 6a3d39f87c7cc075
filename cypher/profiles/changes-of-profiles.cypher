// The identity history of each profile (merges into it, splits off it), newest first.
// params: $ids: profile ids
CYPHER replan=skip
UNWIND $ids AS id
OPTIONAL MATCH (p:Profile {id: id})-[:HAS_CHANGE]->(c:IdentityChange) USING INDEX SEEK p:Profile(id)
WITH id, c ORDER BY c.at DESC, c.otherId
RETURN id, collect(c {.kind, .at, .otherId, .messageId, .eventAt}) AS changes
