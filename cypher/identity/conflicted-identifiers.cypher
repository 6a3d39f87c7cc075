// Identifiers with evidence a namespace limit refused (an email seen with two user ids, say), worst first.
// params: $first
MATCH (i:Identifier)
WHERE i.conflicts > 0
OPTIONAL MATCH (i)-[:IN]->(p:Profile)
RETURN i {.namespace, .value, .kind, .firstSeen, .lastSeen, .conflicts, .shared} AS identifier, p.id AS profileId
ORDER BY i.conflicts DESC, i.namespace, i.value
LIMIT toInteger($first)
