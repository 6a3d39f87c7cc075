// Points identifiers at their profile after stitching (none for shared or blocked ones) and stores what
// stitching concluded about them.
// params: $moves: [{namespace, value, profileId, shared, blocked, kind, conflicts}]
CYPHER replan=skip
UNWIND $moves AS mv
MATCH (i:Identifier {namespace: mv.namespace, value: mv.value}) USING INDEX SEEK i:Identifier(namespace, value)
SET i.shared = mv.shared, i.blocked = mv.blocked, i.kind = mv.kind, i.conflicts = mv.conflicts
WITH i, mv
OPTIONAL MATCH (i)-[old:IN]->()
DELETE old
WITH DISTINCT i, mv WHERE mv.profileId IS NOT NULL
MATCH (p:Profile {id: mv.profileId}) USING INDEX SEEK p:Profile(id)
CREATE (i)-[:IN]->(p)
