// The members of the given profiles plus the given profile-less identifiers, each with its evidence links
// and, for each neighbour, what stitching needs to know of it.
// params: $profileIds, $keys: [{namespace, value}]
CYPHER replan=skip
CALL {
  UNWIND $profileIds AS pid
  MATCH (p:Profile {id: pid})<-[:IN]-(i:Identifier) USING INDEX SEEK p:Profile(id)
  RETURN i
  UNION
  UNWIND $keys AS k
  MATCH (i:Identifier {namespace: k.namespace, value: k.value}) USING INDEX SEEK i:Identifier(namespace, value)
  RETURN i
}
WITH DISTINCT i
OPTIONAL MATCH (i)-[:IN]->(p:Profile)
CALL {
  WITH i
  MATCH (i)-[r:LINKED]-(n:Identifier)
  OPTIONAL MATCH (n)-[:IN]->(np:Profile)
  RETURN collect({
    namespace: n.namespace, value: n.value, kind: n.kind, firstSeen: n.firstSeen, shared: n.shared,
    blocked: n.blocked, conflicts: n.conflicts, profileId: np.id, at: r.at, messageId: r.messageId, type: r.type
  }) AS links
}
RETURN i.namespace AS namespace, i.value AS value, i.kind AS kind, i.firstSeen AS firstSeen,
  i.shared AS shared, i.blocked AS blocked, i.conflicts AS conflicts, p.id AS profileId, links
