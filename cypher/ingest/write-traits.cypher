// Stores identifiers' traits (JSON of {trait: {v, at, m}}, merged newest-wins by the ingestion service).
// params: $identifiers: [{namespace, value, traits}]
CYPHER replan=skip
UNWIND $identifiers AS x
MATCH (i:Identifier {namespace: x.namespace, value: x.value}) USING INDEX SEEK i:Identifier(namespace, value)
SET i.traits = x.traits
