// Identifiers by namespace and value.
// params: $identifiers: [{namespace, value}]
CYPHER replan=skip
UNWIND $identifiers AS k
MATCH (i:Identifier {namespace: k.namespace, value: k.value}) USING INDEX SEEK i:Identifier(namespace, value)
RETURN i {.namespace, .value, .kind, .firstSeen, .lastSeen, .conflicts, .shared} AS identifier
