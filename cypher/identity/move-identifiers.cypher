// Points identifiers at their profile after stitching (none for shared or blocked ones).
// params: $moves: [{namespace, value, profileId, shared}]
UNWIND $moves AS mv
MATCH (i:Identifier {namespace: mv.namespace, value: mv.value})
SET i.shared = mv.shared
WITH i, mv
OPTIONAL MATCH (i)-[old:IN]->()
DELETE old
WITH DISTINCT i, mv WHERE mv.profileId IS NOT NULL
MATCH (p:Profile {id: mv.profileId})
CREATE (i)-[:IN]->(p)
