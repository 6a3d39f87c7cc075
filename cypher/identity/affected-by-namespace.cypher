// One page of the identifiers of a namespace, in value order, after the given value ('' first).
// params: $namespace, $after, $first
CYPHER replan=skip
MATCH (i:Identifier)
WHERE i.namespace = $namespace AND i.value > $after
RETURN i.value AS value
ORDER BY i.value
LIMIT toInteger($first)
