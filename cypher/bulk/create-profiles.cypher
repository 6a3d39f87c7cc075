// Creates profiles with their member identifiers (bulk load).
// params: $profiles: [{id, anchor, createdAt, members: [{namespace, value}]}], $now
CYPHER replan=skip
UNWIND $profiles AS x
CREATE (p:Profile {id: x.id, anchor: x.anchor, createdAt: x.createdAt, updatedAt: $now})
WITH p, x
UNWIND x.members AS m
MATCH (i:Identifier {namespace: m.namespace, value: m.value}) USING INDEX SEEK i:Identifier(namespace, value)
CREATE (i)-[:IN]->(p)
