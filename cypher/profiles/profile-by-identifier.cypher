// The profile an identifier belongs to (none for a shared device or contact point: it belongs to several).
// params: $namespace, $value
MATCH (:Identifier {namespace: $namespace, value: $value})-[:IN]->(p:Profile)
RETURN p {.id, .traits, .createdAt, .updatedAt, .firstSeen, .lastSeen} AS profile
