// Stores an identifier's traits (JSON of {trait: {v, at, m}}), after a consent decision made through the API.
// params: $namespace, $value, $traits
CYPHER replan=skip
MATCH (i:Identifier {namespace: $namespace, value: $value}) USING INDEX SEEK i:Identifier(namespace, value)
SET i.traits = $traits
