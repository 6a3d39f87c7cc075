// How many identifiers the given namespaces hold (the total of a recomputation job).
// params: $namespaces
CYPHER replan=skip
UNWIND $namespaces AS ns
MATCH (i:Identifier)
WHERE i.namespace = ns AND i.value IS NOT NULL
RETURN count(i) AS identifiers
