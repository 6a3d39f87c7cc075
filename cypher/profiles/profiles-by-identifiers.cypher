// The profile of each identifier (none for a shared device or contact point: it belongs to several).
// params: $identifiers: [{namespace, value}]
CYPHER replan=skip
UNWIND $identifiers AS k
MATCH (i:Identifier {namespace: k.namespace, value: k.value})-[:IN]->(p:Profile)
  USING INDEX SEEK i:Identifier(namespace, value)
RETURN k.namespace AS namespace, k.value AS value,
  p {.id, .traits, .createdAt, .updatedAt, .firstSeen, .lastSeen, .lifecycleStage, .orders, .monetary, .lastOrderAt, .rfmScore} AS profile
