// Attaches shared devices and contact points to the profiles of the accounts they serve (bulk load).
// params: $shared: [{namespace, value, profileIds}]
CYPHER replan=skip
UNWIND $shared AS s
MATCH (i:Identifier {namespace: s.namespace, value: s.value}) USING INDEX SEEK i:Identifier(namespace, value)
UNWIND s.profileIds AS pid
MATCH (p:Profile {id: pid}) USING INDEX SEEK p:Profile(id)
CREATE (i)-[:SHARED_IN]->(p)
